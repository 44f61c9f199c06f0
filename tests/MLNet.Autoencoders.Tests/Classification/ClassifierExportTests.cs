using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Export;
using MLNet.Autoencoders.Tests.Export;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Classification;

/// <summary>A pipeline with the autoencoder classifier exports to one ONNX model through ConvertToOnnxWithAutoencoders.</summary>
public class ClassifierExportTests
{
    private sealed class LabelValue
    {
        public float Label { get; set; }
    }

    [Fact]
    public void Key_mapping_classifier_and_key_to_value_export_and_agree_with_MLNET_on_every_row()
    {
        var ml = new MLContext(seed: 1);
        var arrays = FashionMnist.LoadEmbeddedArrays(300);
        var partial = arrays.Labels.Select((l, i) => i % 2 == 0 ? l : byte.MaxValue).ToArray();
        var data = FashionMnist.ToDataView(ml, new FashionMnistData(arrays.Features, partial));
        var classes = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 10).Select(c => new LabelValue { Label = c }));
        var model = ml.Transforms.Conversion.MapValueToKey("Label", keyData: classes)
            .Append(ml.MulticlassClassification.Trainers.AutoencoderClassifier(FewLabels.Options(o => o.LatentColumnName = "Code")))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel"))
            .Fit(data);

        var bytes = ml.Model.ConvertToOnnxBytesWithAutoencoders(model, data,
            new OnnxPipelineExportOptions { OutputColumnNames = ["Code", "Score", "PredictedLabel", "PredictedClass"], Validate = true });
        var proto = ExportedOnnx.Parse(bytes);
        Assert.Empty(OnnxModelChecker.Check(proto));
        Assert.Equal(["Features"], proto.Graph.Input.Select(i => i.Name));
        var onnx = ExportedOnnx.Run(bytes, data);
        var scored = model.Transform(data);
        Assert.True(ExportedOnnx.MaxDifference(onnx["Score.output"], ExportedOnnx.Flat(ColumnReader.ReadVectors(scored, "Score"))) <= 1e-5);
        Assert.True(ExportedOnnx.MaxDifference(onnx["Code.output"], ExportedOnnx.Flat(ColumnReader.ReadVectors(scored, "Code"))) <= 1e-5);
        // MapKeyToValue gives the class back in both, and the predicted key agrees (the exporter lists any key that is
        // 0-based in ONNX in its metadata).
        Assert.Equal(scored.GetColumn<float>("PredictedClass").Select(v => (double)v), onnx["PredictedClass.output"]);
        bool zeroBased = proto.MetadataProps.Any(p => p.Key == PipelineOnnxExporter.ZeroBasedKeysKey && p.Value.Split(',').Contains("PredictedLabel"));
        Assert.Equal(scored.GetColumn<uint>("PredictedLabel").Select(v => (double)v), onnx["PredictedLabel.output"].Select(v => zeroBased ? v + 1 : v));
    }
}
