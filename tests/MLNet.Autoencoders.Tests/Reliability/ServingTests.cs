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
}
