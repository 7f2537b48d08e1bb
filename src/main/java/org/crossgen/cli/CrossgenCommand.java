package org.crossgen.cli;

import java.io.PrintWriter;
import java.util.function.Function;
import org.crossgen.prompt.Sampler;
import org.crossgen.study.Method;
import org.crossgen.tensor.Provenance;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The root {@code crossgen} command. Subcommands are thin: they parse, call one service and map
 * the result to an exit code. Options shared by many subcommands live here.
 */
@Command(name = "crossgen",
        mixinStandardHelpOptions = true,
        versionProvider = CrossgenCommand.Version.class,
        description = "Measure how fine-tuning changes what a language model can do across domains and tasks.",
        subcommands = {CommandLine.HelpCommand.class, DataCommand.class, PromptCommand.class, GenerateCommand.class,
                ScoreCommand.class, EvalCommand.class, MetricsCommand.class, TrainCommand.class, PretrainCommand.class,
                StudyCommand.class, ReportCommand.class, ConvertCommand.class, BenchCommand.class})
public final class CrossgenCommand implements Runnable {
    @Spec CommandSpec spec;

    /** Standard output of the running command line (tests capture it). */
    public PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Standard error of the running command line. */
    public PrintWriter err() {
        return spec.commandLine().getErr();
    }

    @Override
    public void run() {
        spec.commandLine().usage(out());
    }

    /**
     * Builds the command line with crossgen's error handling (one clear line, no stack trace) and
     * its vocabularies: an option of type {@link Sampler} or {@link Method} is parsed by the type
     * itself, so every command accepts the same spellings and a typo lists them.
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new CrossgenCommand());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.registerConverter(Sampler.class, vocabulary(Sampler::parse));
        cl.registerConverter(Method.class, vocabulary(Method::parse));
        return cl;
    }

    /** A converter whose parse error becomes picocli's "Invalid value for option '--x': ...". */
    private static <T> CommandLine.ITypeConverter<T> vocabulary(Function<String, T> parse) {
        return value -> {
            try {
                return parse.apply(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        };
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** {@code --version}: what {@link Provenance} records with every result, and where this build can run. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Provenance.Build b = Provenance.build();
            boolean gpuBuild = System.getProperty("org.bytedeco.javacpp.platform.extension", "").contains("gpu");
            return new String[] {"crossgen " + b.version() + " (git " + b.gitCommit() + ")",
                    "libtorch " + b.libtorch() + " (org.bytedeco:pytorch " + b.pytorchArtifact() + ", " + (gpuBuild ? "CUDA" : "CPU") + " build)",
                    "devices: " + (gpuBuild ? "cpu, cuda[:N] (docs/gpu.md)" : "cpu (CROSSGEN_CUDA=1 builds the CUDA one, docs/gpu.md)"),
                    "dtypes: float32 (default), bfloat16, float16"};
        }
    }
}
