package org.crossgen.model.hub;

import java.util.regex.Pattern;

/**
 * A model on the Hugging Face Hub, as {@code --model} and study specs name it:
 * {@code org/name} or {@code org/name@revision}, where the revision is a branch, tag or commit
 * (default {@code main}, as transformers').
 *
 * @param repo     {@code org/name}
 * @param revision a branch, tag or commit hash
 */
public record HubId(String repo, String revision) {
    /** The Hub's repo-name rule: letters, digits, {@code - _ .}; no leading/trailing {@code - .}, no {@code --} or {@code ..}. */
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?");
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,254}");
    public static final String DEFAULT_REVISION = "main";

    public HubId {
        String[] parts = repo.split("/", -1);
        if (parts.length != 2 || !validPart(parts[0]) || !validPart(parts[1])) {
            throw new IllegalArgumentException("\"" + repo + "\" is not a Hub model id (org/name)");
        }
        if (!REVISION.matcher(revision).matches() || revision.contains("..") || revision.endsWith("/")) {
            throw new IllegalArgumentException("\"" + revision + "\" is not a Hub revision (a branch, tag or commit hash)");
        }
    }

    private static boolean validPart(String p) {
        return PART.matcher(p).matches() && !p.contains("--") && !p.contains("..");
    }

    /** True when {@code name} has the form {@code org/name[@revision]} (it may still also name a local folder). */
    public static boolean looksLike(String name) {
        try {
            parse(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Parses {@code org/name} or {@code org/name@revision}. */
    public static HubId parse(String name) {
        int at = name.indexOf('@');
        return at < 0 ? new HubId(name, DEFAULT_REVISION) : new HubId(name.substring(0, at), name.substring(at + 1));
    }

    /** True when the revision is a full commit hash (a cache lookup then needs no ref). */
    public boolean isCommit() {
        return revision.matches("[0-9a-f]{40}");
    }

    /** The cache folder name, {@code models--org--name}. */
    String cacheFolder() {
        return "models--" + repo.replace("/", "--");
    }

    /** {@code org/name}, with {@code @revision} unless it is {@code main}: what run cards and adapters record. */
    @Override
    public String toString() {
        return revision.equals(DEFAULT_REVISION) ? repo : repo + "@" + revision;
    }
}
