// Semi-supervised learning: encoders learn from every training image without labels; then ML.NET's
// LbfgsMaximumEntropy learns from only 100 labelled images per class (standardized features), and is scored on the
// held-out images. Good unsupervised features make the few labels go further. Then the autoencoder classifier
// (mlContext.MulticlassClassification.Trainers.AutoencoderClassifier) fine-tunes the pretrained encoder on the few labels
// and learns from the unlabelled images too, at 100 and 1,000 labels; and a plot of held-out accuracy against labels per
// class (1, 3, 10, 30, 100) for logistic regression on raw pixels, on the frozen autoencoder latent, and the classifier.
//
//   dotnet run --project samples/SemiSupervised      (options: --data DIR, --epochs N, --batch-size N, --rows N, --labels-per-class N,
//                                                     --classifier-epochs N)
using System.Diagnostics;
using Microsoft.ML;
using MLNet.Autoencoders;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Samples;

var arguments = new SampleArguments(args, "SemiSupervised");
int perClass = arguments.Positive("--labels-per-class") ?? 100;
var mlContext = new MLContext(seed: 1);
var (trainArrays, testArrays) = SampleData.Load(arguments);
Console.WriteLine(SampleData.Describe(arguments, trainArrays, testArrays));

// The labelled rows: the first perClass training images of each class, after a seeded shuffle (so smaller sets are
// contained in larger ones).
var random = new Random(0);
var shuffled = Enumerable.Range(0, trainArrays.Count).OrderBy(_ => random.Next()).ToArray();
int[] FirstPerClass(int k) => shuffled.GroupBy(i => trainArrays.Labels[i]).SelectMany(g => g.Take(k)).Order().ToArray();
var labelledRows = FirstPerClass(perClass);
var unlabelled = FashionMnist.ToDataView(mlContext, trainArrays);
var labelled = FashionMnist.ToDataView(mlContext, trainArrays.Select(labelledRows));
var test = FashionMnist.ToDataView(mlContext, testArrays);
Console.WriteLine($"{labelledRows.Length} labelled training images ({perClass} per class); all {trainArrays.Count} train the encoders.");

var results = new List<(string Name, double Accuracy, TimeSpan Time)>();
void Measure(string name, Func<ITransformer> featurizer, string column)
{
    var watch = Stopwatch.StartNew();
    var features = featurizer();
    var classifier = mlContext.Transforms.Conversion.MapValueToKey("Label")
        .Append(mlContext.Transforms.NormalizeMeanVariance("Standardized", column))
        .Append(mlContext.MulticlassClassification.Trainers.LbfgsMaximumEntropy("Label", "Standardized"))
        .Fit(features.Transform(labelled));
    var metrics = mlContext.MulticlassClassification.Evaluate(classifier.Transform(features.Transform(test)));
    results.Add((name, metrics.MicroAccuracy, watch.Elapsed));
    Console.WriteLine($"  {name}: accuracy {metrics.MicroAccuracy:F3} ({watch.Elapsed.TotalSeconds:F1} s)");
}

AutoencoderOptions Options(string name, Action<AutoencoderOptions>? change = null)
{
    var options = new AutoencoderOptions
    {
        OutputColumnName = "Latent", InputColumnName = "Features", LatentDimension = 32,
        Epochs = arguments.Epochs, BatchSize = arguments.BatchSize, EpochCallback = Progress.For(name),
    };
    change?.Invoke(options);
    return options;
}

Measure("raw pixels (784)", () => mlContext.Transforms.CopyColumns("Raw", "Features").Fit(unlabelled), "Raw");
Measure("PCA-32", () => PcaReconstruction.Fit(mlContext, unlabelled, "Features", 32, seed: 1).Transformer, "Pca");
AutoencoderTransformer? autoencoder = null;
Measure("autoencoder-32", () => autoencoder = mlContext.Transforms.Autoencoder(Options("autoencoder-32")).Fit(unlabelled), "Latent");
Measure("stacked autoencoder-32 (greedy pretraining)", () => mlContext.Transforms.Autoencoder(Options("stacked-32", o =>
{
    o.Pretraining = Pretraining.GreedyLayerWise;
    o.PretrainingEpochsPerLayer = Math.Max(1, arguments.Epochs / 4);
    o.Epochs = Math.Max(1, arguments.Epochs / 2);
})).Fit(unlabelled), "Latent");
VaeTransformer? vae = null;
Measure("VAE-20 (latent mean)", () => vae = mlContext.Transforms.Vae(new VaeOptions
{
    OutputColumnName = "Latent", InputColumnName = "Features", Epochs = arguments.Epochs, BatchSize = arguments.BatchSize, EpochCallback = Progress.For("vae-20"),
}).Fit(unlabelled), "Latent");

// The autoencoder classifier: all training images, labels on the selected ones only (the others hold the missing key).
var classes = mlContext.Data.LoadFromEnumerable(Enumerable.Range(0, FashionMnist.ClassCount).Select(c => new ClassValue { Label = c }));
var toKey = mlContext.Transforms.Conversion.MapValueToKey("Label", keyData: classes).Fit(classes);
var keyedTest = toKey.Transform(test);
// Null: the method's default (interpolation consistency: 35 epochs within about 1,600 to 8,000 steps).
int? classifierEpochs = arguments.Positive("--classifier-epochs");
double Classifier(int[] rows, string name, bool fromVae = false)
{
    var partial = new byte[trainArrays.Count];
    Array.Fill(partial, byte.MaxValue);   // not one of the ten classes: MapValueToKey gives the missing key
    foreach (int i in rows) partial[i] = trainArrays.Labels[i];
    var train = toKey.Transform(FashionMnist.ToDataView(mlContext, new FashionMnistData(trainArrays.Features, partial)));
    using var model = mlContext.MulticlassClassification.Trainers.AutoencoderClassifier(new AutoencoderClassifierOptions
    {
        // The autoencoder-32 above, pretrained on every training image, or the VAE-20's encoder up to its latent mean.
        PretrainedAutoencoder = fromVae ? null : autoencoder,
        PretrainedVae = fromVae ? vae : null,
        Epochs = classifierEpochs,
        Seed = 1,
        EpochCallback = r => Console.WriteLine($"  [{name}] {r}"),
    }).Fit(train);
    return mlContext.MulticlassClassification.Evaluate(model.Transform(keyedTest)).MicroAccuracy;
}
foreach (int k in new[] { 10, 100 })
{
    var watch = Stopwatch.StartNew();
    double accuracy = Classifier(FirstPerClass(k), $"classifier, {k * 10} labels");
    results.Add(($"autoencoder classifier ({k * 10} labels, {new AutoencoderClassifierOptions().Method}, from autoencoder-32)", accuracy, watch.Elapsed));
    Console.WriteLine($"  autoencoder classifier, {k * 10} labels: accuracy {accuracy:F3} ({watch.Elapsed.TotalSeconds:F1} s, pretraining not included)");
    if (vae is null) continue;
    watch.Restart();
    accuracy = Classifier(FirstPerClass(k), $"classifier from the VAE, {k * 10} labels", fromVae: true);
    results.Add(($"autoencoder classifier ({k * 10} labels, {new AutoencoderClassifierOptions().Method}, from the VAE-20 latent mean)", accuracy, watch.Elapsed));
    Console.WriteLine($"  autoencoder classifier from the VAE, {k * 10} labels: accuracy {accuracy:F3} ({watch.Elapsed.TotalSeconds:F1} s, pretraining not included)");
}

// Accuracy against labels per class.
int[] perClassLevels = [1, 3, 10, 30, 100];
var curves = new (string Name, double[] Accuracy)[]
{
    ("logistic regression, raw pixels", new double[perClassLevels.Length]),
    ("logistic regression, frozen autoencoder latent", new double[perClassLevels.Length]),
    ("autoencoder classifier", new double[perClassLevels.Length]),
};
var rawFeatures = mlContext.Transforms.CopyColumns("Raw", "Features").Fit(unlabelled);
for (int level = 0; level < perClassLevels.Length; level++)
{
    var rows = FirstPerClass(perClassLevels[level]);
    var subset = FashionMnist.ToDataView(mlContext, trainArrays.Select(rows));
    double LogReg(ITransformer features, string column)
    {
        var model = mlContext.Transforms.NormalizeMeanVariance("Standardized", column)
            .Append(mlContext.MulticlassClassification.Trainers.LbfgsMaximumEntropy("Label", "Standardized"))
            .Fit(toKey.Transform(features.Transform(subset)));
        return mlContext.MulticlassClassification.Evaluate(model.Transform(toKey.Transform(features.Transform(test)))).MicroAccuracy;
    }
    curves[0].Accuracy[level] = LogReg(rawFeatures, "Raw");
    curves[1].Accuracy[level] = LogReg(autoencoder!, "Latent");
    curves[2].Accuracy[level] = Classifier(rows, $"classifier, {perClassLevels[level]} per class");
    Console.WriteLine($"  {perClassLevels[level]} per class: " + string.Join(", ", curves.Select(c => $"{c.Name} {c.Accuracy[level]:F3}")));
}
var plot = new ScottPlot.Plot();
var palette = new ScottPlot.Palettes.Category10();
double[] xs = perClassLevels.Select(k => Math.Log10(k)).ToArray();
for (int c = 0; c < curves.Length; c++)
{
    var line = plot.Add.Scatter(xs, curves[c].Accuracy);
    line.Color = palette.GetColor(c);
    line.LegendText = curves[c].Name;
    line.LineWidth = 2;
    line.MarkerSize = 7;
}
plot.Axes.Bottom.SetTicks(xs, perClassLevels.Select(k => k.ToString()).ToArray());
plot.Title($"Fashion-MNIST, {trainArrays.Count} training images");
plot.XLabel("labelled images per class (log scale)");
plot.YLabel("held-out accuracy");
plot.ShowLegend(ScottPlot.Alignment.LowerRight);
string picture = Path.Combine(arguments.OutputDirectory, "semi-supervised-accuracy.png");
AtomicFile.Write(picture, temporary => plot.SavePng(temporary, 760, 520));
Console.WriteLine($"Wrote {picture}");

Console.WriteLine();
Console.WriteLine("| labels per class | " + string.Join(" | ", curves.Select(c => c.Name)) + " |");
Console.WriteLine("|---|" + string.Concat(curves.Select(_ => "---|")));
for (int level = 0; level < perClassLevels.Length; level++)
    Console.WriteLine($"| {perClassLevels[level]} | " + string.Join(" | ", curves.Select(c => c.Accuracy[level].ToString("F3"))) + " |");

Console.WriteLine();
Console.WriteLine($"LbfgsMaximumEntropy on {labelledRows.Length} labelled images, accuracy on {testArrays.Count} held-out images:");
Console.WriteLine("| features | accuracy | time (features + classifier) |");
Console.WriteLine("|---|---|---|");
foreach (var (name, accuracy, time) in results)
    Console.WriteLine($"| {name} | {accuracy:F3} | {time.TotalSeconds:F1} s |");
Console.WriteLine("(PyTorch features + scikit-learn logistic regression, 1000 labels, 10k test set: raw 0.781, PCA-32 0.782, autoencoder-32 0.799, VAE mean 0.755.)");
autoencoder?.Dispose();

internal sealed class ClassValue
{
    public float Label { get; set; }
}
