package org.crossgen.cli;

import java.io.PrintWriter;
import java.util.function.Function;
import org.crossgen.data.Split;
import org.crossgen.model.llama.LoraConfig;
import org.crossgen.prompt.Sampler;
import org.crossgen.study.Method;
import org.crossgen.study.StudyPhase;
import org.crossgen.tensor.DType;
import org.crossgen.tensor.Provenance;
import org.crossgen.train.LrSchedule;
import org.crossgen.train.Precision;
import org.crossgen.train.Sharding;
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
        exitCodeListHeading = "%nExit codes (every command):%n",
        exitCodeList = {"0:done",
                "1:the work failed: an input file, a value found while working, a failed job or cell (one 'error:' line on stderr)",
                "2:usage: an unknown command or option, a missing or malformed value (the message names the option and lists the allowed values)"},
        footer = {"", "Options, spec keys and their old spellings: docs/cli.md."},
        subcommands = {CommandLine.HelpCommand.class, DataCommand.class, PromptCommand.class, GenerateCommand.class,
                ScoreCommand.class, EvalCommand.class, MetricsCommand.class, TrainCommand.class, PretrainCommand.class,
                StudyCommand.class, ReportCommand.class, ConvertCommand.class, BenchCommand.class, CompletionCommand.class})
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
     * its vocabularies: an option of one of these types is parsed by the type itself, so every
     * command accepts the same spellings, and a bad value is a usage error (exit 2) that names the
     * option and lists the allowed values, e.g. {@code Invalid value for option '--lora': "r=eight":
     * r must be a whole number}.
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new CrossgenCommand());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.registerConverter(Sampler.class, vocabulary(Sampler::parse));
        cl.registerConverter(DType.class, vocabulary(DType::parse));
        cl.registerConverter(Method.class, vocabulary(Method::parse));
        cl.registerConverter(LrSchedule.class, vocabulary(LrSchedule::parse));
        cl.registerConverter(Precision.class, vocabulary(v -> Precision.parse("", v)));
        cl.registerConverter(Sharding.class, vocabulary(v -> Sharding.parse("", v)));
        cl.registerConverter(LoraConfig.class, vocabulary(TrainOptions::parseLora));
        cl.registerConverter(Split.class, vocabulary(Split::of));
        cl.registerConverter(StudyPhase.class, vocabulary(StudyPhase::parse));
        ConvertCommand.withoutComputeOptions(cl.getSubcommands().get("convert").getCommandSpec());
        return cl;
    }

    /**
     * A converter whose parse error becomes picocli's "Invalid value for option '--x': ...". Parsers
     * that name their option themselves are given an empty name, hence the strip.
     */
    private static <T> CommandLine.ITypeConverter<T> vocabulary(Function<String, T> parse) {
        return value -> {
            try {
                return parse.apply(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage().strip());
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
