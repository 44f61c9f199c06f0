// The app that tests/consumers/run builds OUTSIDE the repository, once with a ProjectReference to the library's
// project and once with a PackageReference to the packed NuGet package: it trains an autoencoder and the semi-supervised
// classifier on the embedded data, saves, reloads with plain ML.NET and with the typed loader, and checks that every path
// scores the same. Exit code 0 = all good.
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders;
using MLNet.Autoencoders.Data;

var output = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "consumer-app");
Directory.CreateDirectory(output);
var ml = new MLContext(seed: 1);
var data = ml.Data.TakeRows(FashionMnist.LoadEmbedded(ml), 600);
var pipeline = ml.Transforms.Autoencoder("Latent", "Features", latentDimension: 8, hiddenLayerSizes: [64], epochs: 1)
    .Append(ml.Clustering.Trainers.KMeans("Latent", numberOfClusters: 10));
var model = pipeline.Fit(data);
var path = Path.Combine(output, "model.zip");
ml.Model.Save(model, data.Schema, path);

var fitted = model.Transform(data).GetColumn<float[]>("Latent").ToArray();
var loaded = ml.Model.Load(path, out _).Transform(data).GetColumn<float[]>("Latent").ToArray();
using var typed = AutoencoderTransformer.Load(ml, path);
var typedLatents = typed.Transform(data).GetColumn<float[]>("Latent").ToArray();
double MaxDifference(float[][] a, float[][] b) => a.Zip(b).Max(p => p.First.Zip(p.Second).Max(q => Math.Abs(q.First - q.Second)));
double loadDiff = MaxDifference(fitted, loaded), typedDiff = MaxDifference(fitted, typedLatents);
var rebuilt = typed.Reconstruct(ml.Data.CreateEnumerable<Row>(data, reuseRowObject: false).First().Features);
Console.WriteLine($"{fitted.Length} rows: |fitted - Model.Load| = {loadDiff:E1}, |fitted - typed Load| = {typedDiff:E1}, reconstruction of {rebuilt.Length} values");
bool ok = fitted.Length == 600 && loadDiff <= 1e-5 && typedDiff <= 1e-5 && rebuilt.Length == 784;
// On an AMD processor of family 25 or later, or with AVX-512, the library turns on MKL's optimised kernels (README
// "Speed on AMD processors"): it must in every layout.
bool x86 = System.Runtime.Intrinsics.X86.X86Base.IsSupported;
int signature = x86 ? System.Runtime.Intrinsics.X86.X86Base.CpuId(1, 0).Eax : 0;
int family = ((signature >> 8) & 0xF) == 0xF ? 0xF + ((signature >> 20) & 0xFF) : (signature >> 8) & 0xF;
bool amdWanted = x86 && System.Runtime.Intrinsics.X86.X86Base.CpuId(0, 0).Ebx == 0x68747541 // "Auth" of "AuthenticAMD"
    && (System.Runtime.Intrinsics.X86.Avx512F.IsSupported || family >= 25)
    && Environment.GetEnvironmentVariable("MLNET_AUTOENCODERS_MKL_INTEL_PATH_ON_AMD") is not "0";
Console.WriteLine($"MKL code path: {TorchSharpSetup.MklCodePathState}");
ok &= !amdWanted || TorchSharpSetup.MklCodePathState == "applied";

// The semi-supervised classifier with its default method (a teacher model kept, mixup consistency): one row in five
// labelled, the others hold the missing key; fitted, saved, loaded with plain ML.NET and typed must predict the same.
var arrays = FashionMnist.LoadEmbeddedArrays(600);
var names = FashionMnist.ClassNames;
var rows = Enumerable.Range(0, arrays.Count)
    .Select(i => new NamedRow { Features = arrays.GetFeatures(i).ToArray(), Name = i % 5 == 0 ? names[arrays.Labels[i]] : "" }).ToList();
var named = ml.Data.LoadFromEnumerable(rows);
var classes = ml.Data.LoadFromEnumerable(names.Select(n => new ClassName { Name = n }));
var toKey = ml.Transforms.Conversion.MapValueToKey("Label", "Name", keyData: classes).Fit(named);
var keyed = toKey.Transform(named);
var classifier = toKey.Append(ml.MulticlassClassification.Trainers.AutoencoderClassifier(new AutoencoderClassifierOptions
{
    Pretraining = new AutoencoderOptions { HiddenLayerSizes = [64], LatentDimension = 8, Epochs = 1 },
    Epochs = 20,
}).Fit(keyed));
var classifierPath = Path.Combine(output, "classifier.zip");
ml.Model.Save(classifier, named.Schema, classifierPath);
var fittedScores = classifier.Transform(named).GetColumn<float[]>("Score").ToArray();
var fittedLabels = classifier.Transform(named).GetColumn<uint>("PredictedLabel").ToArray();
var reloaded = ml.Model.Load(classifierPath, out _).Transform(named);
using var typedClassifier = AutoencoderClassifierTransformer.Load(ml, classifierPath);
double classifierDiff = Math.Max(MaxDifference(fittedScores, reloaded.GetColumn<float[]>("Score").ToArray()),
    MaxDifference(fittedScores, typedClassifier.Transform(keyed).GetColumn<float[]>("Score").ToArray()));
bool sameLabels = fittedLabels.SequenceEqual(reloaded.GetColumn<uint>("PredictedLabel"));
var accuracy = ml.MulticlassClassification.Evaluate(classifier.Transform(ml.Data.LoadFromEnumerable(rows.Select((r, i) =>
    new NamedRow { Features = r.Features, Name = names[arrays.Labels[i]] }).ToList()))).MicroAccuracy;
Console.WriteLine($"classifier ({new AutoencoderClassifierOptions().Method}): accuracy on the 600 rows {accuracy:F3}, " +
    $"|fitted - loaded| scores = {classifierDiff:E1}, same predicted labels: {sameLabels}");
ok &= classifierDiff <= 1e-5 && sameLabels && accuracy > 0.3;
Console.WriteLine(ok ? "OK: trained, saved, reloaded and scored the same" : "MISMATCH");
return ok ? 0 : 1;

internal sealed class Row
{
    [VectorType(784)]
    public float[] Features { get; set; } = [];
}

internal sealed class NamedRow
{
    [VectorType(784)]
    public float[] Features { get; set; } = [];
    public string Name { get; set; } = "";
}

internal sealed class ClassName
{
    public string Name { get; set; } = "";
}
