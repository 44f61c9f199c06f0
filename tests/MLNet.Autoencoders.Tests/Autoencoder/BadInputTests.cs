using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Autoencoder;

/// <summary>Bad input gets a clear error that names the column, what is expected and what was found.</summary>
public class BadInputTests
{
    private sealed class ScalarRow { public float Features { get; set; } }

    private sealed class VariableRow { public float[] Features { get; set; } = []; }

    private sealed class DoubleRow
    {
        [VectorType(4)] public double[] Features { get; set; } = [];
    }

    [Fact]
    public void Missing_input_column()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 20);
        var estimator = ml.Transforms.Autoencoder(Small.Options(o => o.InputColumnName = "Pixels"));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        Assert.Contains("Column 'Pixels' is not in the data", e.Message);
        Assert.Contains("'Features'", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(Shapes.Of(data.Schema)));
    }

    [Fact]
    public void Column_that_is_not_a_vector_of_single()
    {
        var ml = new MLContext(seed: 1);
        var scalar = ml.Data.LoadFromEnumerable(new[] { new ScalarRow { Features = 1 } });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Autoencoder(Small.Options()).Fit(scalar));
        Assert.Contains("Column 'Features' is of type Single; the autoencoder needs a known-size vector of Single", e.Message);
        var doubles = ml.Data.LoadFromEnumerable(new[] { new DoubleRow { Features = [1, 2, 3, 4] } });
        e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Autoencoder(Small.Options()).Fit(doubles));
        Assert.Contains("Column 'Features' is of type Vector<Double, 4>", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Autoencoder(Small.Options()).GetOutputSchema(Shapes.Of(doubles.Schema)));
    }

    [Fact]
    public void Variable_size_vector()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new VariableRow { Features = [1, 2] } });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Autoencoder(Small.Options()).Fit(data));
        Assert.Contains("Column 'Features' is a variable-size vector; the autoencoder needs a known-size vector of Single", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Autoencoder(Small.Options()).GetOutputSchema(Shapes.Of(data.Schema)));
        Assert.Contains("variable-size vector", e.Message);
    }

    [Fact]
    public void Empty_data_view()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, Array.Empty<float[]>(), size: 20);
        var e = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Autoencoder(Small.Options()).Fit(data));
        Assert.Contains("Column 'Features' has no rows", e.Message);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "infinite")]
    [InlineData(float.NegativeInfinity, "infinite")]
    public void Non_finite_values_name_the_column_and_the_first_bad_row(float bad, string word)
    {
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.Rows(30);
        rows[17][4] = bad;
        rows[25][1] = bad;
        var e = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Autoencoder(Small.Options()).Fit(SyntheticData.Load(ml, rows)));
        Assert.Contains($"Column 'Features' has a {word} value in row 17 (slot 4)", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Latent_dimension_not_positive(int latent)
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Autoencoder(Small.Options(o => o.LatentDimension = latent)));
        Assert.Contains("LatentDimension must be at least 1", e.Message);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(25)]
    public void Latent_dimension_not_smaller_than_the_input(int latent)
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Autoencoder(Small.Options(o => o.LatentDimension = latent)).Fit(SyntheticData.Load(ml, 20)));
        Assert.Contains($"LatentDimension is {latent}, but column 'Features' has only 20 features", e.Message);
    }

    [Fact]
    public void Hidden_sizes_null_or_not_positive()
    {
        var ml = new MLContext(seed: 1);
        Assert.Throws<ArgumentNullException>(() => ml.Transforms.Autoencoder(Small.Options(o => o.HiddenLayerSizes = null!)));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Autoencoder(Small.Options(o => o.HiddenLayerSizes = [16, 0])));
        Assert.Contains("Every hidden layer size must be at least 1; got [16, 0]", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Autoencoder(Small.Options(o => o.HiddenLayerSizes = [-3])));
    }

    [Fact]
    public void Empty_hidden_sizes_give_a_single_linear_layer_each_way()
    {
        var ml = new MLContext(seed: 1);
        using var t = ml.Transforms.Autoencoder(Small.Options(o => o.HiddenLayerSizes = [])).Fit(SyntheticData.Load(ml, 50));
        Assert.Equal(new[] { 20, 3 }, t.LayerSizes);
    }

    [Theory]
    [InlineData("Epochs", 0)]
    [InlineData("Epochs", -2)]
    [InlineData("BatchSize", 0)]
    [InlineData("LearningRate", 0)]
    [InlineData("LearningRate", -0.1)]
    [InlineData("LearningRate", double.NaN)]
    [InlineData("ValidationFraction", -0.1)]
    [InlineData("ValidationFraction", 1)]
    [InlineData("ValidationFraction", 1.5)]
    [InlineData("WeightDecay", -1)]
    [InlineData("EarlyStoppingPatience", 0)]
    [InlineData("NumberOfThreads", 0)]
    public void Out_of_range_training_options(string option, double value)
    {
        var ml = new MLContext(seed: 1);
        var options = Small.Options();
        typeof(AutoencoderOptions).GetProperty(option)!.SetValue(options,
            option is "LearningRate" or "ValidationFraction" or "WeightDecay" ? value : (object)(int)value);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Autoencoder(options));
        Assert.Equal(option, e.ParamName);
        Assert.Contains(option, e.Message);
    }

    [Fact]
    public void Output_columns_with_the_same_name()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentException>(() => ml.Transforms.Autoencoder(Small.Options(o => o.ReconstructionColumnName = "Latent")));
        Assert.Contains("different names", e.Message);
    }

    [Fact]
    public void Binary_cross_entropy_refuses_data_outside_the_unit_range()
    {
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.Rows(30);
        rows[3][2] = 1.5f;
        var e = Assert.Throws<InvalidOperationException>(() =>
            ml.Transforms.Autoencoder(Small.Options(o => o.Loss = ReconstructionLoss.BinaryCrossEntropy)).Fit(SyntheticData.Load(ml, rows)));
        Assert.Contains("Column 'Features' has values in [", e.Message);
        Assert.Contains("NormalizeMinMax", e.Message);
        Assert.Throws<ArgumentException>(() => ml.Transforms.Autoencoder(Small.Options(o => { o.Loss = ReconstructionLoss.BinaryCrossEntropy; o.OutputActivation = OutputActivation.Identity; })));
    }

    [Fact]
    public void Transform_with_another_input_size_says_both_sizes()
    {
        var ml = new MLContext(seed: 1);
        using var t = ml.Transforms.Autoencoder(Small.Options(o => o.Epochs = 1)).Fit(SyntheticData.Load(ml, 50));
        var other = SyntheticData.Load(ml, 10, size: 18);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => t.Transform(other));
        Assert.Contains("Column 'Features' has 18 features, but the autoencoder expects 20", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => t.GetOutputSchema(other.Schema));
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Model.CreatePredictionEngine<SyntheticData.Row, LatentRow>(t, other.Schema));
        var single = Assert.Throws<ArgumentException>(() => t.Encode(new float[18]));
        Assert.Contains("The row has 18 values, but the autoencoder expects 20", single.Message);
    }

    [Fact]
    public void Divergence_stops_training_with_the_epoch_and_advice()
    {
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.Rows(100).Select(r => r.Select(v => v * 1e18f).ToArray()).ToArray();
        var e = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Autoencoder(Small.Options(o => o.LearningRate = 1e6)).Fit(SyntheticData.Load(ml, rows)));
        Assert.Contains("diverged in epoch 1", e.Message);
        Assert.Contains("Lower the learning rate", e.Message);
    }

    private sealed class LatentRow
    {
        public float[] Latent { get; set; } = [];
    }
}
