using Microsoft.ML;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Evaluation;
using Xunit;

namespace MLNet.Autoencoders.Tests.Evaluation;

public class ColumnReaderTests
{
    private sealed class LabelRow
    {
        public float Label { get; set; }
    }

    [Fact]
    public void ReadsSingleLabelsAndFeatureVectors()
    {
        var ml = new MLContext(seed: 1);
        var data = FashionMnist.LoadEmbedded(ml, 5);
        var arrays = FashionMnist.LoadEmbeddedArrays(5);

        Assert.Equal([9, 2, 1, 1, 6], ColumnReader.ReadLabels(data, "Label"));
        var vectors = ColumnReader.ReadVectors(data, "Features");
        Assert.Equal(5, vectors.Length);
        for (int i = 0; i < 5; i++) Assert.Equal(arrays.GetFeatures(i).ToArray(), vectors[i]);
    }

    [Fact]
    public void KeysKeepTheirRawOneBasedValue()
    {
        var ml = new MLContext(seed: 1);
        var data = FashionMnist.LoadEmbedded(ml, 5);
        // MapValueToKey numbers values by first occurrence: 9 → 1, 2 → 2, 1 → 3, 6 → 4.
        var keyed = ml.Transforms.Conversion.MapValueToKey("Key", "Label").Fit(data).Transform(data);

        Assert.Equal([1, 2, 3, 3, 4], ColumnReader.ReadLabels(keyed, "Key"));
    }

    [Fact]
    public void RefusesFractionalLabelsAndWrongColumns()
    {
        var ml = new MLContext(seed: 1);
        var fractional = ml.Data.LoadFromEnumerable(new[] { new LabelRow { Label = 1 }, new LabelRow { Label = 2.5f } });
        var error = Assert.Throws<InvalidOperationException>(() => ColumnReader.ReadLabels(fractional, "Label"));
        Assert.Contains("row 1", error.Message);
        var nan = ml.Data.LoadFromEnumerable(new[] { new LabelRow { Label = float.NaN } });
        Assert.Throws<InvalidOperationException>(() => ColumnReader.ReadLabels(nan, "Label"));

        var data = FashionMnist.LoadEmbedded(ml, 2);
        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => ColumnReader.ReadLabels(data, "Nope"));
        Assert.Contains("'Nope'", missing.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ColumnReader.ReadLabels(data, "Features"));
        Assert.Throws<ArgumentOutOfRangeException>(() => ColumnReader.ReadVectors(data, "Label"));
        Assert.Throws<ArgumentOutOfRangeException>(() => ColumnReader.ReadVectors(data, "Nope"));
    }
}
