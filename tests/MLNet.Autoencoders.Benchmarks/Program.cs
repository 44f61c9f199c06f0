// The benchmark: issue 8's measurements on the full Fashion-MNIST beside ../shared/REFERENCE.md's PyTorch figures, and
// the measurements of later issues. Options and commands: Infrastructure/Usage.cs (printed by --help).
using MLNet.Autoencoders.Benchmarks.Infrastructure;
using MLNet.Autoencoders.Benchmarks.Measurements;

var arguments = new BenchmarkArgs(args);
if (arguments.WantsHelp)
{
    Console.WriteLine(Usage.Text);
    return 0;
}
if (arguments.UnknownOptions() is { Count: > 0 } unknown)
{
    Console.Error.WriteLine($"Unknown option(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))}; nothing was measured. Run with --help for the options.");
    return 2;
}
string measure = arguments.Get("--measure", "all");
switch (measure)
{
    case "all": BenchmarkRunner.Run(arguments); break;
    case "report": BenchmarkRunner.Report(arguments); break;
    case "training": Results.Emit(TrainingMeasurement.Run(arguments)); break;
    case "inference": Results.Emit(InferenceMeasurement.Run(arguments)); break;
    case "saveload": Results.Emit(SaveLoadMeasurement.Run(arguments)); break;
    case "growth": Results.Emit(GrowthMeasurement.Run(arguments)); break;
    case "binary-file": Results.Emit(BinaryFileMeasurement.Run(arguments)); break;
    case "quality": Results.Emit(QualityMeasurement.Run(arguments)); break;
    case "alignment": Results.Emit(AlignmentMeasurement.Run(arguments)); break;
    case "gemm": Results.Emit(GemmMeasurement.Run(arguments)); break;
    case "profile": Results.Emit(StepProfileMeasurement.Run(arguments)); break;
    case "clustering": Results.Emit(ClusteringMeasurement.Run(arguments)); break;
    case "semisupervised": Results.Emit(SemiSupervisedMeasurement.Run(arguments)); break;
    default:
        Console.Error.WriteLine($"Unknown --measure '{measure}'. Known: all, report, training, inference, saveload, growth, binary-file, quality, alignment, gemm, profile, clustering, semisupervised.");
        return 2;
}
return 0;
