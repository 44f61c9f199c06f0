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
        public float Error { get; set; }
    }

    /// <summary>
    /// Fails today: the error is a rank-0 ONNX output, and ML.NET 5.0.1's OnnxTransformer types it as a scalar column but
    /// reads every non-vector output through its sequence-of-maps path (<c>MakeObjectGetter</c>), which throws
    /// <c>ArgumentNullException (Parameter 'source')</c> on a plain tensor. A <c>[1]</c>-shaped output would be read, but as
    /// a vector of one, not the Single the schema promises; and ML.NET has no public, loadable vector-to-scalar transform.
    /// </summary>
    [Theory(Skip = "Known bug, not fixed here: ML.NET 5.0.1's OnnxTransformer cannot read the rank-0 reconstruction-error output (ArgumentNullException in MakeObjectGetter).")]
    [InlineData(Kind.Plain)]
    [InlineData(Kind.Denoising)]
    public void Reconstruction_error_reads_through_PredictionEngine_and_a_loaded_zip(Kind kind)
    {
        var ml = new MLContext(seed: 1);
        var rows = SyntheticData.Rows(50);
        var data = SyntheticData.Load(ml, rows);
        using var model = Kinds.Estimator(ml, kind, o => o.ReconstructionErrorColumnName = "Error").Fit(data);
        var expected = model.Transform(data).GetColumn<float>("Error").ToArray();

        using var engine = ml.Model.CreatePredictionEngine<FeaturesRow, ErrorRow>(model);
        Assert.Equal(expected[0], engine.Predict(new FeaturesRow { Features = rows[0] }).Error, 5);

        using var file = new TempFile();
        ml.Model.Save(model, data.Schema, file.Path);
        var loaded = new MLContext().Model.Load(file.Path, out _);
        Assert.Equal(expected, loaded.Transform(data).GetColumn<float>("Error").ToArray(), new FloatComparer(1e-5f));
    }
}
