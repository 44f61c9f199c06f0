using MLNet.Autoencoders.Data;

namespace MLNet.Autoencoders.Samples;

/// <summary>Training and held-out Fashion-MNIST arrays: the embedded 10k set split 80/20, or the full 60k/10k set from a folder.</summary>
internal static class SampleData
{
    public static (FashionMnistData Train, FashionMnistData Test) Load(SampleArguments arguments)
    {
        if (arguments.DataDirectory is null)
        {
            var all = FashionMnist.LoadEmbeddedArrays(arguments.Rows);
            int trainCount = all.Count * 4 / 5;
            return (Slice(all, 0, trainCount), Slice(all, trainCount, all.Count - trainCount));
        }
        return (FashionMnist.LoadDirectoryArrays(arguments.DataDirectory, train: true, arguments.Rows),
                FashionMnist.LoadDirectoryArrays(arguments.DataDirectory, train: false, arguments.Rows));
    }

    public static FashionMnistData Slice(FashionMnistData data, int start, int count) =>
        new(data.Features.AsSpan(start * FashionMnist.FeatureCount, count * FashionMnist.FeatureCount).ToArray(), data.Labels.AsSpan(start, count).ToArray());

    public static FashionMnistData Select(FashionMnistData data, IReadOnlyList<int> rows) =>
        new(rows.SelectMany(i => data.GetFeatures(i).ToArray()).ToArray(), rows.Select(i => data.Labels[i]).ToArray());

    public static string Describe(SampleArguments arguments, FashionMnistData train, FashionMnistData test) =>
        $"Fashion-MNIST ({(arguments.DataDirectory is null ? "embedded 10k set, split 80/20" : arguments.DataDirectory)}): {train.Count} training rows, {test.Count} held-out rows.";
}
