// The app that tests/consumers/run builds OUTSIDE the repository, once with a ProjectReference to the library's
// project and once with a PackageReference to the packed NuGet package: it trains on the embedded data, saves, reloads
// with plain ML.NET and with the typed loader, and checks that every path scores the same. Exit code 0 = all good.
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
// On an AMD processor with AVX-512 the library turns on MKL's AVX-512 kernels (README "Performance"): it must in every layout.
bool amdWithAvx512 = System.Runtime.Intrinsics.X86.X86Base.IsSupported && System.Runtime.Intrinsics.X86.Avx512F.IsSupported
    && System.Runtime.Intrinsics.X86.X86Base.CpuId(0, 0).Ebx == 0x68747541 // "Auth" of "AuthenticAMD"
    && Environment.GetEnvironmentVariable("MLNET_AUTOENCODERS_MKL_AVX512_ON_AMD") is not "0";
Console.WriteLine($"MKL code path: {TorchSharpSetup.MklCodePathState}");
ok &= !amdWithAvx512 || TorchSharpSetup.MklCodePathState == "applied";
Console.WriteLine(ok ? "OK: trained, saved, reloaded and scored the same" : "MISMATCH");
return ok ? 0 : 1;

internal sealed class Row
{
    [VectorType(784)]
    public float[] Features { get; set; } = [];
}
