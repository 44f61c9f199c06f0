using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Export;
using MLNet.Autoencoders.Tests.Export;
using Xunit;

namespace MLNet.Autoencoders.Tests.Clustering;

public class DeepClusteringExportTests
{
    [Fact]
    public void ConvertToOnnxWithAutoencoders_exports_the_model_and_matches_MLNet_with_a_0_based_cluster_index()
    {
        var ml = new MLContext(seed: 1);
        var data = SmallDeepClustering.Data(ml);
        using var model = SmallDeepClustering.Fit(ml, data);

        var bytes = ml.Model.ConvertToOnnxBytesWithAutoencoders(model, data, new OnnxPipelineExportOptions { Validate = true });
        var proto = ExportedOnnx.Parse(bytes);
        Assert.Empty(OnnxModelChecker.Check(proto));
        Assert.Contains(proto.MetadataProps, p => p.Key == PipelineOnnxExporter.ZeroBasedKeysKey && p.Value == "PredictedLabel");
        var onnx = ExportedOnnx.Run(bytes, data);
        var scored = model.Transform(data);
        foreach (var column in new[] { "Latent", "Score" })
        {
            double difference = ExportedOnnx.MaxDifference(onnx[column + ".output"], ExportedOnnx.Flat(ColumnReader.ReadVectors(scored, column)));
            Assert.True(difference <= 1e-4, $"Column '{column}': largest difference {difference}.");
        }
        Assert.Equal(scored.GetColumn<uint>("PredictedLabel").Select(l => (double)l), onnx["PredictedLabel.output"].Select(l => l + 1));
    }

    [Fact]
    public void A_model_with_the_soft_assignment_is_refused_naming_the_step()
    {
        var ml = new MLContext(seed: 1);
        var data = SmallDeepClustering.Data(ml, 150);
        using var model = SmallDeepClustering.Fit(ml, data, o => o.SoftAssignmentColumnName = "Q");
        var e = Assert.Throws<NotSupportedException>(() => ml.Model.ConvertToOnnxBytesWithAutoencoders(model, data, new OnnxPipelineExportOptions()));
        Assert.Contains("Cannot export", e.Message);
    }
}
