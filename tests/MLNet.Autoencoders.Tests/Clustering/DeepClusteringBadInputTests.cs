using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Clustering;

public class DeepClusteringBadInputTests
{
    private sealed class VariableRow
    {
        public float[] Features { get; set; } = [];
    }

    [Fact]
    public void NaN_in_the_features_is_refused_naming_column_row_and_slot()
    {
        var ml = new MLContext(seed: 1);
        var arrays = FashionMnist.LoadEmbeddedArrays(100);
        arrays.GetFeatures(7)[5] = float.NaN;
        var e = Assert.Throws<InvalidOperationException>(() => SmallDeepClustering.Fit(ml, FashionMnist.ToDataView(ml, arrays)));
        Assert.Contains("'Features'", e.Message);
        Assert.Contains("NaN value in row 7 (slot 5)", e.Message);
    }

    [Fact]
    public void A_variable_size_vector_column_is_refused_at_fit_and_in_the_schema()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 20).Select(i => new VariableRow { Features = new float[i % 3 + 2] }));
        var trainer = ml.Clustering.Trainers.DeepClustering(SmallDeepClustering.Options());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(data));
        Assert.Contains("Column 'Features' is a variable-size vector", e.Message);
        var schema = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.GetOutputSchema(Shapes.Of(data.Schema)));
        Assert.Contains("variable-size vector", schema.Message);
    }

    [Fact]
    public void A_column_of_the_wrong_size_is_refused_when_scoring()
    {
        var ml = new MLContext(seed: 1);
        using var model = SmallDeepClustering.Fit(ml, SmallDeepClustering.Data(ml, 200));
        var narrow = SyntheticData.Load(ml, 10, size: 780);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Transform(narrow));
        Assert.Contains("Column 'Features' has 780 features", e.Message);
        Assert.Contains("expects 784", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public void Fewer_than_two_clusters_is_refused_when_the_trainer_is_made(int k)
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Clustering.Trainers.DeepClustering(SmallDeepClustering.Options(o => o.NumberOfClusters = k)));
        Assert.Equal("NumberOfClusters", e.ParamName);
    }

    [Fact]
    public void More_clusters_than_rows_is_refused_before_any_training()
    {
        var ml = new MLContext(seed: 1);
        int epochs = 0;
        var e = Assert.Throws<InvalidOperationException>(() => SmallDeepClustering.Fit(ml, SmallDeepClustering.Data(ml, 5),
            o => { o.NumberOfClusters = 6; o.PretrainingCallback = _ => epochs++; }));
        Assert.Contains("5 rows", e.Message);
        Assert.Contains("NumberOfClusters is 6", e.Message);
        Assert.Equal(0, epochs);
    }

    [Fact]
    public void Fewer_distinct_rows_than_clusters_is_refused_with_a_clear_error()
    {
        var ml = new MLContext(seed: 1);
        var arrays = FashionMnist.LoadEmbeddedArrays(3);
        var repeated = arrays.Select(Enumerable.Range(0, 60).Select(i => i % 3).ToArray());
        var e = Assert.Throws<InvalidOperationException>(() => SmallDeepClustering.Fit(ml, FashionMnist.ToDataView(ml, repeated), o => o.NumberOfClusters = 4));
        Assert.Contains("only 3 distinct rows", e.Message);
    }

    [Fact]
    public void Divergence_in_the_clustering_phase_is_detected()
    {
        var ml = new MLContext(seed: 1);
        var data = SmallDeepClustering.Data(ml, 200);
        using var pretrained = ml.Transforms.Autoencoder(new AutoencoderOptions
        {
            InputColumnName = "Features", OutputColumnName = "Latent", HiddenLayerSizes = [16], LatentDimension = 4, Epochs = 1,
        }).Fit(data);
        var e = Assert.Throws<InvalidOperationException>(() => SmallDeepClustering.Fit(ml, data, o =>
        {
            o.PretrainedAutoencoder = pretrained;
            o.LearningRate = 1e30;
        }));
        Assert.Contains("Deep clustering diverged", e.Message);
    }

    [Theory]
    [InlineData("ClusteringLossWeight")]
    [InlineData("Alpha")]
    [InlineData("UpdateInterval")]
    [InlineData("Tolerance")]
    [InlineData("MaximumClusteringEpochs")]
    [InlineData("KMeansInitializations")]
    [InlineData("ManifoldNeighbors")]
    [InlineData("ManifoldLayouts")]
    [InlineData("ManifoldRunSelection")]
    [InlineData("Initialization")]
    [InlineData("PretrainingEpochs")]
    [InlineData("PretrainingNoiseLevel")]
    [InlineData("LatentDimension")]
    [InlineData("BatchSize")]
    [InlineData("LearningRate")]
    [InlineData("NumberOfThreads")]
    public void Out_of_range_options_are_refused_naming_the_option(string option)
    {
        var ml = new MLContext(seed: 1);
        var options = SmallDeepClustering.Options();
        var property = typeof(DeepClusteringOptions).GetProperty(option)!;
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        property.SetValue(options, type == typeof(DeepClusteringInitialization) ? (DeepClusteringInitialization)7 : type == typeof(ManifoldRunSelection) ? (ManifoldRunSelection)7 : type == typeof(int) ? 0 : option == "PretrainingNoiseLevel" ? 1.5 : option == "Tolerance" ? 1.0 : (object)0.0);
        var e = Assert.ThrowsAny<ArgumentException>(() => ml.Clustering.Trainers.DeepClustering(options));
        Assert.Equal(option, e.ParamName);
    }

    [Fact]
    public void Output_columns_with_the_same_name_are_refused()
    {
        var ml = new MLContext(seed: 1);
        Assert.Throws<ArgumentException>(() => ml.Clustering.Trainers.DeepClustering(SmallDeepClustering.Options(o => o.LatentColumnName = "Score")));
        Assert.Throws<ArgumentException>(() => ml.Clustering.Trainers.DeepClustering(SmallDeepClustering.Options(o => o.SoftAssignmentColumnName = "Latent")));
    }
}
