package org.crossgen.study;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Resolves a model name of a study spec that is not a folder path, such as {@code default}
 * (crossgen's built-in default model). Folder paths never reach the locator.
 */
@FunctionalInterface
public interface ModelLocator {
    /** The name crossgen's built-in default model goes by in a spec. */
    String DEFAULT = "default";

    /** The folder holding the model called {@code name}, or empty if this locator does not know it. */
    Optional<Path> locate(String name);

    /** Knows no names: {@code default} is reported as not available. */
    ModelLocator NONE = name -> Optional.empty();
}
