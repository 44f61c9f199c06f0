using Microsoft.ML;
using MLNet.Autoencoders.Data;

namespace MLNet.Autoencoders.Benchmarks.Infrastructure;

/// <summary>The full Fashion-MNIST as the reference script reads it: pixels / 255 in file order (binarized x &gt; 0.5 for vae_bin).</summary>
internal static class TrainingData
{
    public static FashionMnistData Arrays(BenchmarkArgs args, bool train, string model, int? maxRows = null)
    {
        var data = FashionMnist.LoadDirectoryArrays(args.DataDirectory, train, maxRows);
        if (model == "vae_bin")
        {
            var features = data.Features;
            for (int i = 0; i < features.Length; i++) features[i] = features[i] > 0.5f ? 1f : 0f;
        }
        return data;
    }

    public static IDataView View(MLContext mlContext, BenchmarkArgs args, bool train, string model, int? maxRows = null) =>
        FashionMnist.ToDataView(mlContext, Arrays(args, train, model, maxRows));
}
