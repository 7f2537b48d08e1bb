package org.crossgen.testing;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Paths of files under src/test/resources (Maven copies them to target/test-classes). */
public final class TestResources {
    private TestResources() {}

    public static Path path(String resource) {
        URL url = TestResources.class.getClassLoader().getResource(resource);
        if (url == null) throw new IllegalArgumentException("no test resource " + resource);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The real pretrained tiny Llama (HF layout, F32, tied embeddings, GQA 8/4). */
    public static Path stories260k() {
        return path("models/stories260k");
    }
}
