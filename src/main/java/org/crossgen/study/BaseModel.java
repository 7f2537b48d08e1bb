package org.crossgen.study;

import java.nio.file.Path;

/**
 * A base model of a study.
 *
 * @param name     as the spec names it (a folder, Hub id or {@code default}, {@code +adapter}); what reports and labels show
 * @param dir      its folder on this machine (not part of any key: a copy elsewhere is the same model)
 * @param identity its content identity ({@link ModelIdentity}, with the adapter's): the key of its cells' model
 * @param adapter  the PEFT adapter applied to it, or null
 */
public record BaseModel(String name, Path dir, String identity, StudySpec.Adapter adapter) {
    /** A model without adapter. */
    public BaseModel(String name, Path dir, String identity) {
        this(name, dir, identity, null);
    }
}
