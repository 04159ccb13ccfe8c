package dev.vectorvit.io;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Test resources (src/test/resources) as file paths, so that readers get a real file to map. */
public final class TestResources {
    private TestResources() {}

    /** The resource at {@code name}, e.g. {@code "fixtures/vit-tiny/input.npy"}. */
    public static Path path(String name) {
        URL url = TestResources.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IllegalArgumentException("no test resource " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(name, e);
        }
    }
}
