using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Data;
using Xunit;
using static MLNet.Autoencoders.Tests.Data.IdxTestFiles;

namespace MLNet.Autoencoders.Tests.Data;

public class FashionMnistTests
{
    // Loaded once: several tests compare against the full embedded set.
    private static readonly Lazy<FashionMnistData> s_embedded = new(() => FashionMnist.LoadEmbeddedArrays());

    private sealed class Row
    {
        public float Label { get; set; }

        [VectorType(FashionMnist.FeatureCount)]
        public float[] Features { get; set; } = [];
    }

    [Fact]
    public void EmbeddedArraysHoldTheWholeTestSet()
    {
        var data = s_embedded.Value;

        Assert.Equal(10000, data.Count);
        Assert.Equal(10000 * 784, data.Features.Length);
        Assert.Equal(10000, data.Labels.Length);
        Assert.All(data.Features, v => Assert.InRange(v, 0f, 1f));
        Assert.Contains(1f, data.Features);
        Assert.Equal(Enumerable.Repeat(1000, 10), data.Labels.CountBy(l => l).OrderBy(p => p.Key).Select(p => p.Value));
        Assert.Equal(new byte[] { 9, 2, 1, 1, 6 }, data.Labels[..5]);
        // Features are exactly pixel / 255.
        Assert.Equal(RawImages[16 + 300] / 255f, data.Features[300]);
        Assert.Equal(data.Features.AsSpan(784 * 3, 784).ToArray(), data.GetFeatures(3).ToArray());
    }

    [Fact]
    public void EmbeddedDataViewHasLabelAndKnownSizeFeatures()
    {
        var mlContext = new MLContext(seed: 1);
        var view = FashionMnist.LoadEmbedded(mlContext);

        Assert.Equal(2, view.Schema.Count);
        Assert.Equal(NumberDataViewType.Single, view.Schema["Label"].Type);
        var features = Assert.IsType<VectorDataViewType>(view.Schema["Features"].Type);
        Assert.Equal(NumberDataViewType.Single, features.ItemType);
        Assert.True(features.IsKnownSize);
        Assert.Equal(784, features.Size);
        Assert.Equal(10000L, view.GetRowCount());

        var expected = s_embedded.Value;
        using var cursor = view.GetRowCursor(view.Schema);
        var labelGetter = cursor.GetGetter<float>(view.Schema["Label"]);
        var featuresGetter = cursor.GetGetter<VBuffer<float>>(view.Schema["Features"]);
        var counts = new int[10];
        float label = 0;
        VBuffer<float> vector = default;
        int rows = 0;
        while (cursor.MoveNext())
        {
            labelGetter(ref label);
            counts[(int)label]++;
            if (rows % 997 == 0)
            {
                featuresGetter(ref vector);
                Assert.Equal(expected.Labels[rows], label);
                Assert.Equal(expected.Features.AsSpan(rows * 784, 784).ToArray(), vector.DenseValues().ToArray());
            }
            rows++;
        }
        Assert.Equal(10000, rows);
        Assert.All(counts, c => Assert.Equal(1000, c));
        Assert.False(cursor.MoveNext());
    }

    [Fact]
    public void DataViewWorksWithMlNetOperations()
    {
        var mlContext = new MLContext(seed: 1);
        var view = FashionMnist.LoadEmbedded(mlContext, maxRows: 300);

        var rows = mlContext.Data.CreateEnumerable<Row>(view, reuseRowObject: false).ToList();
        Assert.Equal(300, rows.Count);
        Assert.Equal(s_embedded.Value.Features.AsSpan(299 * 784, 784).ToArray(), rows[299].Features);

        var shuffled = mlContext.Data.CreateEnumerable<Row>(mlContext.Data.ShuffleRows(view, seed: 3), false).ToList();
        Assert.Equal(rows.Select(r => r.Label).Order(), shuffled.Select(r => r.Label).Order());
        Assert.NotEqual(rows.Select(r => r.Label), shuffled.Select(r => r.Label));

        var split = mlContext.Data.TrainTestSplit(view, testFraction: 0.2, seed: 5);
        Assert.Equal(300, mlContext.Data.CreateEnumerable<Row>(split.TrainSet, false).Count()
                          + mlContext.Data.CreateEnumerable<Row>(split.TestSet, false).Count());

        var normalized = mlContext.Transforms.NormalizeMinMax("Features").Fit(view).Transform(view);
        Assert.Equal(300, mlContext.Data.CreateEnumerable<Row>(normalized, false).Count());
    }

    [Fact]
    public void ShuffledCursorVisitsEveryRowOnceWithStableIds()
    {
        var view = FashionMnist.LoadEmbedded(new MLContext(seed: 1), maxRows: 500);
        Assert.True(view.CanShuffle);

        using var cursor = view.GetRowCursor(view.Schema, new Random(42));
        var idGetter = cursor.GetIdGetter();
        var labelGetter = cursor.GetGetter<float>(view.Schema["Label"]);
        var seen = new List<int>();
        DataViewRowId id = default;
        float label = 0;
        while (cursor.MoveNext())
        {
            idGetter(ref id);
            labelGetter(ref label);
            Assert.Equal(s_embedded.Value.Labels[(int)id.Low], label);
            seen.Add((int)id.Low);
        }
        Assert.Equal(Enumerable.Range(0, 500), seen.Order());
        Assert.NotEqual(Enumerable.Range(0, 500), seen);
    }

    [Fact]
    public void CursorRejectsInactiveColumnsAndWrongTypes()
    {
        var view = FashionMnist.LoadEmbedded(new MLContext(seed: 1), maxRows: 2);
        using var cursor = view.GetRowCursor([view.Schema["Label"]]);
        Assert.True(cursor.IsColumnActive(view.Schema["Label"]));
        Assert.False(cursor.IsColumnActive(view.Schema["Features"]));
        Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<VBuffer<float>>(view.Schema["Features"]));
        Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<double>(view.Schema["Label"]));
    }

    [Fact]
    public void MaxRowsTakesTheFirstRows()
    {
        var first = FashionMnist.LoadEmbeddedArrays(maxRows: 100);
        Assert.Equal(100, first.Count);
        Assert.Equal(100 * 784, first.Features.Length);
        Assert.Equal(s_embedded.Value.Labels[..100], first.Labels);
        Assert.Equal(s_embedded.Value.Features.AsSpan(0, 100 * 784).ToArray(), first.Features);

        Assert.Equal(25L, FashionMnist.LoadEmbedded(new MLContext(), maxRows: 25).GetRowCount());
        Assert.Equal(10000, FashionMnist.LoadEmbeddedArrays(maxRows: 20000).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => FashionMnist.LoadEmbeddedArrays(maxRows: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => FashionMnist.LoadEmbedded(new MLContext(), maxRows: -1));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LoadReadsRawAndGzipPairs(bool gzip)
    {
        using var dir = new TempDirectory();
        string images = dir.Write("imgs", gzip ? Gzip(Images(200)) : Images(200));
        string labels = dir.Write("lbls", gzip ? Gzip(Labels(200)) : Labels(200));

        var data = FashionMnist.LoadArrays(images, labels);
        Assert.Equal(200, data.Count);
        Assert.Equal(s_embedded.Value.Labels[..200], data.Labels);
        Assert.Equal(s_embedded.Value.Features.AsSpan(0, 200 * 784).ToArray(), data.Features);

        var view = FashionMnist.Load(new MLContext(), images, labels, maxRows: 50);
        Assert.Equal(50L, view.GetRowCount());
    }

    [Fact]
    public void LoadRejectsMismatchedCounts()
    {
        using var dir = new TempDirectory();
        string images = dir.Write("imgs", Gzip(Images(10)));
        string labels = dir.Write("lbls", Gzip(Labels(9)));

        var e = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(new MLContext(), images, labels));
        Assert.Contains("do not match", e.Message);
        Assert.Contains("declares 10 images", e.Message);
        Assert.Contains("declares 9 labels", e.Message);
        Assert.Contains(images, e.Message);
        Assert.Contains(labels, e.Message);

        // maxRows does not hide the mismatch.
        Assert.Throws<InvalidDataException>(() => FashionMnist.LoadArrays(images, labels, maxRows: 5));
    }

    [Fact]
    public void LoadRejectsImagesThatAreNot28By28()
    {
        using var dir = new TempDirectory();
        string images = dir.Write("imgs", Idx(IdxReader.ImagesMagic, [3, 4, 4], new byte[48]));
        string labels = dir.Write("lbls", Labels(3));

        var e = Assert.Throws<InvalidDataException>(() => FashionMnist.LoadArrays(images, labels));
        Assert.Contains("4 x 4", e.Message);
        Assert.Contains("28 x 28", e.Message);
    }

    [Fact]
    public void LoadDirectoryReportsMissingFolderWithTheAptPackage()
    {
        string missing = Path.Combine(Path.GetTempPath(), "mlnet-ae-missing-" + Guid.NewGuid().ToString("N"));

        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.LoadDirectory(new MLContext(), missing, train: true));
        Assert.Contains(missing, e.Message);
        Assert.Contains("train-images-idx3-ubyte", e.Message);
        Assert.Contains("train-labels-idx1-ubyte", e.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
        Assert.Contains("/usr/share/datasets/fashion-mnist", e.Message);
    }

    [Fact]
    public void LoadDirectoryFindsStandardNamesAndReportsMissingOnes()
    {
        using var dir = new TempDirectory();
        dir.Write("t10k-images-idx3-ubyte", Images(30));
        dir.Write("t10k-labels-idx1-ubyte.gz", Gzip(Labels(30)));

        var test = FashionMnist.LoadDirectoryArrays(dir.Path, train: false);
        Assert.Equal(30, test.Count);
        Assert.Equal(s_embedded.Value.Labels[..30], test.Labels);
        Assert.Equal(10L, FashionMnist.LoadDirectory(new MLContext(), dir.Path, train: false, maxRows: 10).GetRowCount());

        dir.Write("train-labels-idx1-ubyte.gz", Gzip(Labels(30)));
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.LoadDirectoryArrays(dir.Path, train: true));
        Assert.Contains("train-images-idx3-ubyte(.gz)", e.Message);
        Assert.DoesNotContain("train-labels", e.Message);
        Assert.Contains("dataset-fashion-mnist", e.Message);
        Assert.Equal(Path.Combine(dir.Path, "train-images-idx3-ubyte.gz"), e.FileName);
    }

    [Fact]
    public void LoadDirectoryReadsTheDebianPackageWhenInstalled()
    {
        // Only where the dataset-fashion-mnist package is installed; elsewhere there is nothing to check.
        if (!Directory.Exists(FashionMnist.DebianDirectory))
            return;

        var train = FashionMnist.LoadDirectoryArrays(FashionMnist.DebianDirectory, train: true, maxRows: 50);
        Assert.Equal(50, train.Count);
        Assert.All(train.Labels, l => Assert.InRange(l, (byte)0, (byte)9));

        var test = FashionMnist.LoadDirectoryArrays(FashionMnist.DebianDirectory, train: false, maxRows: 50);
        Assert.Equal(s_embedded.Value.Labels[..50], test.Labels);
        Assert.Equal(s_embedded.Value.Features.AsSpan(0, 50 * 784).ToArray(), test.Features);
    }

    [Fact]
    public void ClassNamesAndConstants()
    {
        Assert.Equal(
            ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
            FashionMnist.ClassNames);
        // Callers get a copy, so the shared names cannot be altered.
        FashionMnist.ClassNames[0] = "changed";
        Assert.Equal("T-shirt/top", FashionMnist.ClassNames[0]);
        Assert.Equal(28, FashionMnist.ImageSide);
        Assert.Equal(784, FashionMnist.FeatureCount);
        Assert.Equal("/usr/share/datasets/fashion-mnist", FashionMnist.DebianDirectory);
    }

    [Fact]
    public void EmbeddedResourcesHaveStableNames()
    {
        var names = typeof(FashionMnist).Assembly.GetManifestResourceNames();
        Assert.Contains(ImagesResource, names);
        Assert.Contains(LabelsResource, names);
    }

    [Fact]
    public void FashionMnistDataValidatesItsArrays()
    {
        Assert.Throws<ArgumentException>(() => new FashionMnistData(new float[784], [1, 2]));
        Assert.Throws<ArgumentException>(() => new FashionMnistData([], []));
        var data = new FashionMnistData(new float[2 * 784], [3, 4]);
        Assert.Equal(2, data.Count);
        data.GetFeatures(1)[0] = 0.5f;
        Assert.Equal(0.5f, data.Features[784]);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.GetFeatures(2));

        var view = FashionMnist.ToDataView(new MLContext(), data);
        Assert.Equal(2L, view.GetRowCount());
    }
}
