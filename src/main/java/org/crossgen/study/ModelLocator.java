package org.crossgen.study;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Resolves a model name of a study spec that is not a folder path, such as {@code default}
 * (crossgen's built-in default model) or a Hub id ({@code org/name[@revision]}). Names of existing
 * folders never reach the locator.
 */
@FunctionalInterface
public interface ModelLocator {
    /** The name crossgen's built-in default model goes by in a spec. */
    String DEFAULT = "default";

    /**
     * The folder holding the model called {@code name}, or empty if this locator does not know it.
     *
     * @throws IOException when it knows the name but cannot get the model (offline, not found on the Hub)
     */
    Optional<Path> locate(String name) throws IOException;

    /** Knows no names: {@code default} is reported as not available. */
    ModelLocator NONE = name -> Optional.empty();
}
