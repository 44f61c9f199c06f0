using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Reliability;

/// <summary>
/// The reconstruction-error column through ML.NET's own OnnxTransformer (a PredictionEngine on the fitted transformer,
/// and any saved zip loaded with <c>mlContext.Model.Load</c>).
/// </summary>
public class ServingTests
{
    private sealed class ErrorRow
    {
        [VectorType(1)]
        public float[] Error { get; set; } = [];
    }

    /// <summary>
    /// The error is a vector of one Single: ML.NET 5.0.1's OnnxTransformer reads every rank-0 ONNX output through its
    /// sequence-of-maps path and throws (dotnet/machinelearning#7225), so a scalar error column could not be served.
    /// </summary>
    [Theory]
    [InlineData(Kind.Plain)]
    [InlineData(Kind.Denoising)]
    public void Reconstruction_error_reads_through_PredictionEngine_and_a_loaded_zip(Kind kind)
    {
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.Rows(50);
        var data = SyntheticData.Load(ml, rows);
        using var model = Kinds.Estimator(ml, kind, o => o.ReconstructionErrorColumnName = "Error").Fit(data);
        var expected = model.Transform(data).GetColumn<float[]>("Error").Select(e => e[0]).ToArray();

        using var engine = ml.Model.CreatePredictionEngine<FeaturesRow, ErrorRow>(model);
        Assert.Equal(expected[0], engine.Predict(new FeaturesRow { Features = rows[0] }).Error[0], 5);

        using var file = new TempFile();
        ml.Model.Save(model, data.Schema, file.Path);
        var loaded = new MLContext().Model.Load(file.Path, out _);
        Assert.Equal(expected, loaded.Transform(data).GetColumn<float[]>("Error").Select(e => e[0]).ToArray(), new FloatComparer(1e-5f));
    }

    /// <summary>
    /// Saving makes the serving OnnxTransformer, whose graph lives in a temp file; disposing the model deletes it (ML.NET,
    /// given a stream, left a file of its own behind for every fitted model), and the saved zip still scores the same.
    /// </summary>
    [Fact]
    public void Disposing_a_saved_model_deletes_its_serving_graph_file()
    {
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.Rows(50);
        var data = SyntheticData.Load(ml, rows);
        using var file = new TempFile();
        float[][] expected;
        string servingFile;
        using (var model = Kinds.Estimator(ml, Kind.Plain, o => o.ReconstructionErrorColumnName = "Error").Fit(data))
        {
            Assert.Null(model.ServingFile);
            ml.Model.Save(model, data.Schema, file.Path);
            servingFile = Assert.IsType<string>(model.ServingFile);
            Assert.True(File.Exists(servingFile));
            expected = model.Transform(data).GetColumn<float[]>("Error").ToArray();
        }
        Assert.False(File.Exists(servingFile));

        var loaded = new MLContext().Model.Load(file.Path, out _);
        using var disposal = loaded as IDisposable;
        Assert.Equal(expected.Select(e => e[0]), loaded.Transform(data).GetColumn<float[]>("Error").Select(e => e[0]), new FloatComparer(1e-5f));
    }
}
