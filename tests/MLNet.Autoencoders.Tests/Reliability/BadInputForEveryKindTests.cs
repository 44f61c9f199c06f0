using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Reliability;

/// <summary>The foundation's bad-input cases, for every estimator kind (Autoencoder/BadInputTests covers them in detail for the plain kind).</summary>
public class BadInputForEveryKindTests
{
    private sealed class VariableRow { public float[] Features { get; set; } = []; }

    private sealed class ScalarRow { public float Features { get; set; } }

    [Theory]
    [InlineData(Kind.Plain)]
    [InlineData(Kind.Denoising)]
    public void Bad_columns_and_data_get_clear_errors(Kind kind)
    {
        var ml = new MLContext(seed: 1);
        var good = SyntheticData.Load(ml, 40);

        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => Kinds.Estimator(ml, kind, o => o.InputColumnName = "Pixels").Fit(good));
        Assert.Contains("Column 'Pixels' is not in the data", missing.Message);

        var scalar = ml.Data.LoadFromEnumerable(new[] { new ScalarRow { Features = 1 } });
        Assert.Contains("needs a known-size vector of Single", Assert.Throws<ArgumentOutOfRangeException>(() => Kinds.Estimator(ml, kind).Fit(scalar)).Message);

        var variable = ml.Data.LoadFromEnumerable(new[] { new VariableRow { Features = [1, 2] } });
        Assert.Contains("variable-size vector", Assert.Throws<ArgumentOutOfRangeException>(() => Kinds.Estimator(ml, kind).Fit(variable)).Message);

        var empty = SyntheticData.Load(ml, Array.Empty<float[]>(), size: 20);
        Assert.Contains("has no rows", Assert.Throws<InvalidOperationException>(() => Kinds.Estimator(ml, kind).Fit(empty)).Message);

        var rows = SyntheticData.Rows(30);
        rows[9][2] = float.NaN;
        Assert.Contains("NaN value in row 9", Assert.Throws<InvalidOperationException>(() => Kinds.Estimator(ml, kind).Fit(SyntheticData.Load(ml, rows))).Message);

        Assert.Contains("the latent must be smaller than the input",
            Assert.Throws<ArgumentOutOfRangeException>(() => Kinds.Estimator(ml, kind, o => o.LatentDimension = 20).Fit(good)).Message);

        using var model = Kinds.Estimator(ml, kind, o => o.Epochs = 1).Fit(good);
        Assert.Contains("has 18 features, but the autoencoder expects 20",
            Assert.Throws<ArgumentOutOfRangeException>(() => model.Transform(SyntheticData.Load(ml, 5, size: 18))).Message);
    }

    [Theory]
    [InlineData(Kind.Plain, "Epochs")]
    [InlineData(Kind.Denoising, "Epochs")]
    [InlineData(Kind.Plain, "BatchSize")]
    [InlineData(Kind.Denoising, "BatchSize")]
    [InlineData(Kind.Plain, "LatentDimension")]
    [InlineData(Kind.Denoising, "LatentDimension")]
    public void Options_out_of_range_are_refused(Kind kind, string option)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Kinds.Estimator(new MLContext(), kind, o =>
            typeof(AutoencoderOptions).GetProperty(option)!.SetValue(o, 0)));
        Assert.Equal(option, e.ParamName);
    }

    [Theory]
    [InlineData(Kind.Plain)]
    [InlineData(Kind.Denoising)]
    public void Cancellation_stops_fit_and_leaves_no_live_tensors(Kind kind)
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 500);
        using var cancellation = new CancellationTokenSource();
        long before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var estimator = Kinds.Estimator(ml, kind, o =>
        {
            o.Epochs = 10_000;
            o.BatchSize = 8;
            o.CancellationToken = cancellation.Token;
            o.EpochCallback = r => { if (r.Epoch == 2) cancellation.Cancel(); };
        });
        Assert.Throws<OperationCanceledException>(() => estimator.Fit(data));
        Assert.Equal(before, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
