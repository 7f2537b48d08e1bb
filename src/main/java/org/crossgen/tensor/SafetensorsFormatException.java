package org.crossgen.tensor;

import java.io.IOException;
import java.nio.file.Path;

/** A safetensors file that does not follow the format; the message ends with the file. */
public final class SafetensorsFormatException extends IOException {
    public SafetensorsFormatException(Path file, String message) {
        super(message + " (file=" + file + ")");
    }
}
