package org.crossgen.study;

import java.nio.file.Path;

/**
 * A base model of a study.
 *
 * @param name     as the spec names it (a folder or {@code default}); what reports and labels show
 * @param dir      its folder on this machine (not part of any key: a copy elsewhere is the same model)
 * @param identity its content identity ({@link ModelIdentity}): the key of its cells' model
 */
public record BaseModel(String name, Path dir, String identity) {}
