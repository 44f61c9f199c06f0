// Anomaly ranking: an autoencoder trained on nine Fashion-MNIST classes rebuilds those well and the tenth badly, so its
// reconstruction error ranks the unseen class as anomalous; a VAE's negative ELBO does the same in nats. ROC AUC for the held-out class against ML.NET's
// RandomizedPca anomaly detector on the same split; anomaly-ranking.png shows the best- and worst-rebuilt test images.
//
//   dotnet run --project samples/AnomalyRanking      (options: --anomaly-class K (default 1, Trouser), --data DIR, --epochs N, --rows N)
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Samples;

var arguments = new SampleArguments(args, "AnomalyRanking");
int anomalyClass = arguments.WholeNumber("--anomaly-class", 0, FashionMnist.ClassCount - 1) ?? 1;
var mlContext = new MLContext(seed: 1);
var (trainArrays, testArrays) = SampleData.Load(arguments);
Console.WriteLine(SampleData.Describe(arguments, trainArrays, testArrays));
var normalRows = Enumerable.Range(0, trainArrays.Count).Where(i => trainArrays.Labels[i] != anomalyClass).ToArray();
var train = FashionMnist.ToDataView(mlContext, trainArrays.Select(normalRows));
var test = FashionMnist.ToDataView(mlContext, testArrays);
var isAnomaly = testArrays.Labels.Select(l => l == anomalyClass).ToArray();
Console.WriteLine($"Training on the {normalRows.Length} images of the nine other classes; '{FashionMnist.ClassNames[anomalyClass]}' is the anomaly ({isAnomaly.Count(a => a)} of {testArrays.Count} test images).");

var watch = Stopwatch.StartNew();
using var autoencoder = mlContext.Transforms.Autoencoder(new AutoencoderOptions
{
    OutputColumnName = "Latent",
    InputColumnName = "Features",
    ReconstructionColumnName = "Reconstruction",
    ReconstructionErrorColumnName = "Error",
    Epochs = arguments.Epochs,
    BatchSize = arguments.BatchSize,
    EpochCallback = Progress.For("autoencoder"),
}).Fit(train);
var scored = autoencoder.Transform(test);
var errors = scored.GetColumn<float[]>("Error").Select(e => e[0]).ToArray();
var reconstructions = ColumnReader.ReadVectors(scored, "Reconstruction");
var aeTime = watch.Elapsed;

watch.Restart();
using var vae = mlContext.Transforms.Vae(new VaeOptions
{
    OutputColumnName = "Latent",
    InputColumnName = "Features",
    ScoreColumnName = "NegativeElbo",
    Epochs = arguments.Epochs,
    BatchSize = arguments.BatchSize,
    EpochCallback = Progress.For("vae"),
}).Fit(train);
var vaeScores = vae.Transform(test).GetColumn<float[]>("NegativeElbo").Select(e => e[0]).ToArray();
var vaeTime = watch.Elapsed;

watch.Restart();
var pcaDetector = mlContext.AnomalyDetection.Trainers.RandomizedPca("Features", rank: 32, seed: 1).Fit(train);
var pcaScores = pcaDetector.Transform(test).GetColumn<float>("Score").ToArray();
var pcaTime = watch.Elapsed;

Console.WriteLine();
Console.WriteLine($"Ranking '{FashionMnist.ClassNames[anomalyClass]}' above the nine known classes:");
Console.WriteLine("| detector | ROC AUC | fit time |");
Console.WriteLine("|---|---|---|");
Console.WriteLine($"| autoencoder reconstruction error | {AnomalyScores.AreaUnderRocCurve(errors, isAnomaly):F3} | {aeTime.TotalSeconds:F1} s |");
Console.WriteLine($"| VAE negative ELBO | {AnomalyScores.AreaUnderRocCurve(vaeScores, isAnomaly):F3} | {vaeTime.TotalSeconds:F1} s |");
Console.WriteLine($"| ML.NET RandomizedPca (rank 32) | {AnomalyScores.AreaUnderRocCurve(pcaScores, isAnomaly):F3} | {pcaTime.TotalSeconds:F1} s |");

// The ten best- and worst-rebuilt test images, each above its reconstruction.
var order = Enumerable.Range(0, errors.Length).OrderBy(i => errors[i]).ToArray();
var best = order.Take(10).ToArray();
var worst = order.TakeLast(10).Reverse().ToArray();
string png = Path.Combine(arguments.OutputDirectory, "anomaly-ranking.png");
ImageGrid.Save(png,
[
    best.Select(i => testArrays.GetFeatures(i).ToArray()).ToArray(),
    best.Select(i => reconstructions[i]).ToArray(),
    worst.Select(i => testArrays.GetFeatures(i).ToArray()).ToArray(),
    worst.Select(i => reconstructions[i]).ToArray(),
], FashionMnist.ImageSide);
Console.WriteLine($"Worst rebuilt: {string.Join(", ", worst.Select(i => FashionMnist.ClassNames[testArrays.Labels[i]]))}.");
Console.WriteLine($"Wrote {png} (rows: 10 best-rebuilt images, their reconstructions, 10 worst-rebuilt images, their reconstructions).");
