// Latent space pictures: the held-out Fashion-MNIST images placed by a 2-D code, coloured by class. PCA finds the best
// flat plane through the data; an autoencoder with a 2-d latent bends its "plane" to follow the data, so classes that PCA
// piles on top of each other come apart.
//
//   dotnet run --project samples/LatentSpace      (options: --data DIR, --epochs N, --batch-size N, --rows N, --output DIR)
// Writes latent-pca2.png and latent-autoencoder2.png. (The VAE picture and its decoded grid come with the VAE.)
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Samples;

var arguments = new SampleArguments(args, "LatentSpace");
var mlContext = new MLContext(seed: 1);
var (trainArrays, testArrays) = SampleData.Load(arguments);
Console.WriteLine(SampleData.Describe(arguments, trainArrays, testArrays));
var train = FashionMnist.ToDataView(mlContext, trainArrays);
var test = FashionMnist.ToDataView(mlContext, testArrays);

var watch = Stopwatch.StartNew();
var pca = PcaReconstruction.Fit(mlContext, train, "Features", rank: 2, seed: 1);
var pcaPoints = Enumerable.Range(0, testArrays.Count).Select(i => pca.Project(testArrays.GetFeatures(i))).ToArray();
double pcaMse = pca.MeanSquaredError(test);
var pcaTime = watch.Elapsed;

watch.Restart();
using var autoencoder = mlContext.Transforms.Autoencoder(new AutoencoderOptions
{
    OutputColumnName = "Latent",
    InputColumnName = "Features",
    LatentDimension = 2,
    ReconstructionErrorColumnName = "Error",
    Epochs = arguments.Epochs,
    BatchSize = arguments.BatchSize,
    EpochCallback = Progress.For("autoencoder-2"),
}).Fit(train);
var scored = autoencoder.Transform(test);
var aePoints = ColumnReader.ReadVectors(scored, "Latent");
double aeMse = scored.GetColumn<float[]>("Error").Select(e => e[0]).Average(e => (double)e);
var aeTime = watch.Elapsed;

double KMeansAccuracy(float[][] points)
{
    var view = new MLContext(seed: 1).Data.LoadFromEnumerable(points.Select(p => new Point { Features = p }));
    var predicted = new MLContext(seed: 1).Clustering.Trainers.KMeans("Features", numberOfClusters: 10).Fit(view).Transform(view)
        .GetColumn<uint>("PredictedLabel").Select(l => (int)l).ToArray();
    return ClusteringAgreement.Accuracy(testArrays.Labels.Select(l => (int)l).ToArray(), predicted);
}

string pcaPng = Path.Combine(arguments.OutputDirectory, "latent-pca2.png");
string aePng = Path.Combine(arguments.OutputDirectory, "latent-autoencoder2.png");
Plots.ScatterByClass(pcaPng, $"PCA, 2 components ({testArrays.Count} held-out images)", pcaPoints, testArrays.Labels, "component 1", "component 2");
Plots.ScatterByClass(aePng, $"Autoencoder, 2-d latent ({testArrays.Count} held-out images)", aePoints, testArrays.Labels, "latent 1", "latent 2");

Console.WriteLine();
Console.WriteLine("| 2-D code | reconstruction MSE | k-means (k=10) accuracy in 2-D | fit time |");
Console.WriteLine("|---|---|---|---|");
Console.WriteLine($"| PCA-2 | {pcaMse:F4} | {KMeansAccuracy(pcaPoints):F3} | {pcaTime.TotalSeconds:F1} s |");
Console.WriteLine($"| autoencoder-2 | {aeMse:F4} | {KMeansAccuracy(aePoints):F3} | {aeTime.TotalSeconds:F1} s |");
Console.WriteLine("(scikit-learn PCA-2 on the full set: MSE 0.0461.)");
Console.WriteLine($"Wrote {pcaPng} and {aePng}.");

internal sealed class Point
{
    [Microsoft.ML.Data.VectorType(2)]
    public float[] Features { get; set; } = [];
}
