// Quality and speed of the reference models on the full Fashion-MNIST, to compare with ../shared/REFERENCE.md
// (PyTorch 1.13 on the same machine). Run side by side with the reference script; quote ratios, not bare times.
//
// dotnet run -c Release --project tests/MLNet.Autoencoders.Benchmarks -- [--model mlp|tied|bce|dae_gauss|dae_mask|stacked] [--epochs N] [--data DIR] [--threads N]
using System.Diagnostics;
using Microsoft.ML;
using MLNet.Autoencoders;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Evaluation;

string model = Arg("--model", "mlp");
string dataDir = Arg("--data", FashionMnist.DebianDirectory);
int? threads = args.Contains("--threads") ? int.Parse(Arg("--threads", "2")) : null;
bool stacked = model == "stacked";
int epochs = int.Parse(Arg("--epochs", stacked ? "10" : "20"));

var mlContext = new MLContext(seed: 0);
var train = FashionMnist.LoadDirectory(mlContext, dataDir, train: true);
var testArrays = FashionMnist.LoadDirectoryArrays(dataDir, train: false);
var test = FashionMnist.ToDataView(mlContext, testArrays);

AutoencoderOptions options = model switch
{
    "dae_gauss" => new DenoisingAutoencoderOptions { Corruption = CorruptionKind.Gaussian, NoiseStandardDeviation = 0.3, ClipMinimum = 0, ClipMaximum = 1 },
    "dae_mask" => new DenoisingAutoencoderOptions { Corruption = CorruptionKind.Masking, CorruptionFraction = 0.3 },
    _ => new AutoencoderOptions(),
};
options.OutputColumnName = "Latent";
options.InputColumnName = "Features";
options.ReconstructionColumnName = "Reconstruction";
options.Epochs = epochs;
options.TiedWeights = model == "tied";
options.Loss = model == "bce" ? ReconstructionLoss.BinaryCrossEntropy : ReconstructionLoss.MeanSquaredError;
options.NumberOfThreads = threads;
if (stacked) { options.Pretraining = Pretraining.GreedyLayerWise; options.PretrainingEpochsPerLayer = int.Parse(Arg("--pretrain-epochs", "5")); }
options.EpochCallback = r => Console.WriteLine($"{r}; RSS {Process.GetCurrentProcess().WorkingSet64 / 1e6:F0} MB");

var watch = Stopwatch.StartNew();
using var transformer = options is DenoisingAutoencoderOptions denoising
    ? mlContext.Transforms.DenoisingAutoencoder(denoising).Fit(train)
    : mlContext.Transforms.Autoencoder(options).Fit(train);
Console.WriteLine($"fit: {watch.Elapsed.TotalSeconds:F1} s; peak RSS {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB");
var mainEpochs = transformer.TrainingHistory.Where(h => h.Stage == EpochReport.TrainingStage).ToArray();
var seconds = mainEpochs.Skip(1).Select(h => h.Elapsed.TotalSeconds).Order().ToArray();
Console.WriteLine($"median s/epoch (epochs 2..N): {(seconds.Length > 0 ? seconds[seconds.Length / 2] : mainEpochs[0].Elapsed.TotalSeconds):F2}");

double Mse(IDataView input) =>
    ColumnReader.ReadVectors(transformer.Transform(input), "Reconstruction")
        .Select((row, i) => row.Select((v, j) => (double)(v - testArrays.Features[i * 784 + j]) * (v - testArrays.Features[i * 784 + j])).Sum())
        .Sum() / testArrays.Features.Length;
double cleanMse = Mse(test);
Console.WriteLine($"{model}: test MSE/pixel after {epochs} epochs{(stacked ? $" (after {options.PretrainingEpochsPerLayer} pretraining epochs per layer)" : "")} = {cleanMse:F5}");

if (options is DenoisingAutoencoderOptions)
{
    // One fixed noisy copy of the test set, as the reference does.
    var random = new Random(1234);
    var noisy = (float[])testArrays.Features.Clone();
    for (int i = 0; i < noisy.Length; i++)
    {
        noisy[i] = model == "dae_gauss"
            ? Math.Clamp(noisy[i] + 0.3f * (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())), 0, 1)
            : random.NextDouble() < 0.3 ? 0 : noisy[i];
    }
    double noisyMse = noisy.Select((v, i) => (double)(v - testArrays.Features[i]) * (v - testArrays.Features[i])).Average();
    double denoisedMse = Mse(FashionMnist.ToDataView(mlContext, new FashionMnistData(noisy, testArrays.Labels)));
    Console.WriteLine($"{model}: noisy input PSNR {10 * Math.Log10(1 / noisyMse):F2} dB -> denoised {10 * Math.Log10(1 / denoisedMse):F2} dB (MSE {denoisedMse:F5}); MSE on clean input {cleanMse:F5}");
}

string Arg(string name, string fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
