using Microsoft.ML;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Training;

/// <summary>Training reads a Fashion-MNIST view's own buffer instead of a copy of it (issue 8: one copy of the data).</summary>
public class SharedFeatureBufferTests
{
    [Fact]
    public void A_matrix_view_lends_its_buffer_and_other_views_are_copied()
    {
        var ml = new MLContext(seed: 1);
        var data = FashionMnist.LoadEmbeddedArrays(maxRows: 50);
        var view = FashionMnist.ToDataView(ml, data);
        Assert.Same(data.Features, FeatureColumn.Read(view, "Features", FashionMnist.FeatureCount).Values);

        // The same rows behind any other view (here: after a transform that keeps the column) are read into a buffer of their own.
        var copied = ml.Transforms.CopyColumns("Pixels", "Features").Fit(view).Transform(view);
        var read = FeatureColumn.Read(copied, "Features", FashionMnist.FeatureCount);
        Assert.NotSame(data.Features, read.Values);
        Assert.Equal(data.Features, read.Values.AsSpan(0, read.Rows * read.Columns).ToArray());
    }

    [Fact]
    public void Training_on_the_shared_buffer_leaves_it_unchanged_and_matches_training_on_a_copy()
    {
        var ml = new MLContext(seed: 1);
        var data = FashionMnist.LoadEmbeddedArrays(maxRows: 300);
        var before = (float[])data.Features.Clone();
        var options = new AutoencoderOptions { InputColumnName = "Features", OutputColumnName = "Latent", LatentDimension = 4, HiddenLayerSizes = [16], Epochs = 2, BatchSize = 32, Seed = 3 };
        using var shared = ml.Transforms.Autoencoder(options).Fit(FashionMnist.ToDataView(ml, data));
        Assert.Equal(before, data.Features);

        var copiedView = ml.Transforms.CopyColumns("Pixels", "Features").Fit(FashionMnist.ToDataView(ml, data)).Transform(FashionMnist.ToDataView(ml, data));
        using var copy = ml.Transforms.Autoencoder(options).Fit(copiedView);
        // Equal up to the order of multithreaded float sums, which differs from run to run in the last bits.
        Assert.Equal(copy.Encode(data.GetFeatures(7)), shared.Encode(data.GetFeatures(7)), new FloatComparer(1e-5f));
    }

    [Fact]
    public void A_non_finite_value_in_a_shared_buffer_is_refused_with_its_row_and_slot()
    {
        var ml = new MLContext(seed: 1);
        var data = FashionMnist.LoadEmbeddedArrays(maxRows: 40);
        data.GetFeatures(23)[100] = float.NaN;
        var e = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Autoencoder(Small.Options(o => o.InputColumnName = "Features")).Fit(FashionMnist.ToDataView(ml, data)));
        Assert.Contains("Column 'Features' has a NaN value in row 23 (slot 100)", e.Message);
    }
}
