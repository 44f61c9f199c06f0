// Quality and speed of the reference models on the full Fashion-MNIST, to compare with ../shared/REFERENCE.md
// (PyTorch 1.13 on the same machine). Run side by side with the reference script; quote ratios, not bare times.
//
// dotnet run -c Release --project tests/MLNet.Autoencoders.Benchmarks -- [--model mlp|tied|bce] [--epochs 20] [--data DIR] [--threads N]
using System.Diagnostics;
using Microsoft.ML;
using MLNet.Autoencoders;
using MLNet.Autoencoders.Data;

string model = Arg("--model", "mlp");
int epochs = int.Parse(Arg("--epochs", "20"));
string dataDir = Arg("--data", FashionMnist.DebianDirectory);
int? threads = args.Contains("--threads") ? int.Parse(Arg("--threads", "2")) : null;

var mlContext = new MLContext(seed: 0);
var train = FashionMnist.LoadDirectory(mlContext, dataDir, train: true);
var test = FashionMnist.LoadDirectory(mlContext, dataDir, train: false);
var options = new AutoencoderOptions
{
    OutputColumnName = "Latent",
    InputColumnName = "Features",
    ReconstructionErrorColumnName = "Error",
    Epochs = epochs,
    TiedWeights = model == "tied",
    Loss = model == "bce" ? ReconstructionLoss.BinaryCrossEntropy : ReconstructionLoss.MeanSquaredError,
    NumberOfThreads = threads,
    EpochCallback = r => Console.WriteLine($"{r}; RSS {Process.GetCurrentProcess().WorkingSet64 / 1e6:F0} MB; live tensors {TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount}"),
};
var watch = Stopwatch.StartNew();
using var transformer = mlContext.Transforms.Autoencoder(options).Fit(train);
Console.WriteLine($"fit: {watch.Elapsed.TotalSeconds:F1} s; peak RSS {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB");
var seconds = transformer.TrainingHistory.Skip(1).Select(h => h.Elapsed.TotalSeconds).Order().ToArray();
Console.WriteLine($"median s/epoch (epochs 2..N): {(seconds.Length > 0 ? seconds[seconds.Length / 2] : transformer.TrainingHistory[0].Elapsed.TotalSeconds):F2}");
double mse = mlContext.Data.CreateEnumerable<ErrorRow>(transformer.Transform(test), reuseRowObject: true).Average(r => (double)r.Error);
Console.WriteLine($"{model}: test MSE/pixel after {epochs} epochs = {mse:F5}");

string Arg(string name, string fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

internal sealed class ErrorRow
{
    public float Error { get; set; }
}
