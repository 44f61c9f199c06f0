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
            return (all.Slice(0, trainCount), all.Slice(trainCount, all.Count - trainCount));
        }
        return (FashionMnist.LoadDirectoryArrays(arguments.DataDirectory, train: true, arguments.Rows),
                FashionMnist.LoadDirectoryArrays(arguments.DataDirectory, train: false, arguments.Rows));
    }

    public static string Describe(SampleArguments arguments, FashionMnistData train, FashionMnistData test) =>
        $"Fashion-MNIST ({(arguments.DataDirectory is null ? "embedded 10k set, split 80/20" : arguments.DataDirectory)}): {train.Count} training rows, {test.Count} held-out rows.";
}
