package org.crossgen.cli;

import org.crossgen.tensor.ComputeDevice;
import picocli.CommandLine;

/**
 * {@code --device}: {@code cpu}, {@code cuda} or {@code cuda:N}, checked as the command line is
 * parsed, so a typo is a usage error naming the option (whether CUDA works is checked on first use).
 */
final class DeviceName implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
        try {
            return new ComputeDevice(value.trim()).name();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
