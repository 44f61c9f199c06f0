using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Export;
using Xunit;

namespace MLNet.Autoencoders.Tests.Export;

public class PipelineExportTests
{
    private const double Tolerance = 1e-4;

    /// <summary>Small options for 784 Fashion-MNIST pixels: Features → Latent (8), a few seconds at most.</summary>
    private static AutoencoderOptions Fashion(Action<AutoencoderOptions>? change = null) =>
        Support.Small.Options(o =>
        {
            (o.LatentDimension, o.HiddenLayerSizes, o.Epochs, o.BatchSize, o.LearningRate) = (8, [32], 2, 64, 1e-3);
            change?.Invoke(o);
        });

    private static void AssertValidOnnx(byte[] bytes)
    {
        var model = ExportedOnnx.Parse(bytes);
        Assert.Empty(OnnxModelChecker.Check(model));
        Assert.Contains(model.OpsetImport, o => o.Domain == "" && o.Version == 12);
        Assert.All(model.Graph.Input.Concat(model.Graph.Output), v => Assert.DoesNotContain(v.Type.TensorType.Shape.Dim, d => d.DimValue < 0 && d.DimParam.Length == 0));
    }

    /// <summary>Every float vector output of ONNX against the same column of ML.NET, within the tolerance.</summary>
    private static void AssertVectorsMatch(Dictionary<string, double[]> onnx, IDataView mlnet, params string[] columns)
    {
        foreach (var column in columns)
        {
            var expected = ExportedOnnx.Flat(ColumnReader.ReadVectors(mlnet, column));
            double difference = ExportedOnnx.MaxDifference(onnx[column + ".output"], expected);
            Assert.True(difference <= Tolerance, $"Column '{column}': largest difference {difference}.");
        }
    }

    [Fact]
    public void NormalizeMinMax_autoencoder_kmeans_matches_MLNet_on_every_row_and_output()
    {
        var ml = new MLContext(seed: 1);
        var data = FashionMnist.LoadEmbedded(ml, maxRows: 300);
        var model = ml.Transforms.NormalizeMinMax("Features")
            .Append(ml.Transforms.Autoencoder(Fashion(o => { o.ReconstructionColumnName = "Reconstruction"; o.ReconstructionErrorColumnName = "Error"; })))
            .Append(ml.Clustering.Trainers.KMeans("Latent", numberOfClusters: 5))
            .Fit(data);

        using var stream = new MemoryStream();
        ml.Model.ConvertToOnnxWithAutoencoders(model, data, stream, validate: true);
        var bytes = stream.ToArray();
        AssertValidOnnx(bytes);
        var proto = ExportedOnnx.Parse(bytes);
        Assert.Equal(["Label", "Features"], proto.Graph.Input.Select(i => i.Name));
        Assert.Equal(["Label", "Features", "Latent", "Reconstruction", "Error", "PredictedLabel", "Score"],
            proto.Graph.Output.Select(o => o.Name[..^".output".Length]));
        Assert.Contains(proto.MetadataProps, p => p.Key == PipelineOnnxExporter.ZeroBasedKeysKey && p.Value == "PredictedLabel");

        var onnx = ExportedOnnx.Run(bytes, data);
        var scored = model.Transform(data);
        AssertVectorsMatch(onnx, scored, "Features", "Latent", "Reconstruction", "Error", "Score");
        // The documented offset: ONNX's cluster index is 0-based, ML.NET's key 1-based.
        var expectedLabels = scored.GetColumn<uint>("PredictedLabel").ToArray();
        var onnxLabels = onnx["PredictedLabel.output"];
        Assert.Equal(300, expectedLabels.Length);
        Assert.Equal(expectedLabels.Select(l => (double)l), onnxLabels.Select(l => l + 1));
    }

    [Fact]
    public void Autoencoder_then_LbfgsMaximumEntropy_with_key_mapping_agrees_on_every_predicted_label()
    {
        var ml = new MLContext(seed: 2);
        var data = FashionMnist.LoadEmbedded(ml, maxRows: 300);
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.Autoencoder(Fashion()))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("Label", "Latent"))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
            .Fit(data);

        var bytes = ml.Model.ConvertToOnnxBytesWithAutoencoders(model, data, new OnnxPipelineExportOptions { Validate = true });
        AssertValidOnnx(bytes);
        var onnx = ExportedOnnx.Run(bytes, data);
        var scored = model.Transform(data);
        AssertVectorsMatch(onnx, scored, "Latent", "Score");
        // MapKeyToValue gives the label back in both: no offset. MapValueToKey's keys are 1-based in both.
        Assert.Equal(scored.GetColumn<float>("PredictedLabel").Select(v => (double)v), onnx["PredictedLabel.output"]);
        Assert.Equal(scored.GetColumn<uint>("Label").Select(v => (double)v), onnx["Label.output"]);
        Assert.DoesNotContain(ExportedOnnx.Parse(bytes).MetadataProps, p => p.Key == PipelineOnnxExporter.ZeroBasedKeysKey);

        // Asking only for the prediction keeps only what it needs: the label input is no longer required.
        var predictionOnly = ml.Model.ConvertToOnnxBytesWithAutoencoders(model, data,
            new OnnxPipelineExportOptions { OutputColumnNames = ["PredictedLabel"], Validate = true });
        AssertValidOnnx(predictionOnly);
        var proto = ExportedOnnx.Parse(predictionOnly);
        Assert.Equal(["Features"], proto.Graph.Input.Select(i => i.Name));
        Assert.Equal(["PredictedLabel.output"], proto.Graph.Output.Select(o => o.Name));
    }

    [Fact]
    public void Denoising_autoencoder_replacing_its_input_column_in_a_nested_chain_then_kmeans()
    {
        var ml = new MLContext(seed: 3);
        var data = FashionMnist.LoadEmbedded(ml, maxRows: 300);
        var options = new DenoisingAutoencoderOptions
        {
            InputColumnName = "Features",
            OutputColumnName = "Features",          // the latent replaces the pixels
            ReconstructionColumnName = "Denoised",
            LatentDimension = 6,
            HiddenLayerSizes = [32],
            Epochs = 2,
            BatchSize = 64,
            Corruption = CorruptionKind.Masking,
        };
        // Fitted step by step: the estimator chain's schema check fails for a latent not named "Latent" (AddedColumnShapes).
        var normalizer = ml.Transforms.NormalizeMinMax("Features").Fit(data);
        var denoiser = ml.Transforms.DenoisingAutoencoder(options).Fit(normalizer.Transform(data));
        var featurizer = new TransformerChain<ITransformer>(normalizer, denoiser);
        var kmeans = ml.Clustering.Trainers.KMeans("Features", numberOfClusters: 4).Fit(featurizer.Transform(data));
        var model = new TransformerChain<ITransformer>(featurizer, kmeans);   // a chain inside a chain

        var bytes = ml.Model.ConvertToOnnxBytesWithAutoencoders(model, data, new OnnxPipelineExportOptions { Validate = true });
        AssertValidOnnx(bytes);
        var onnx = ExportedOnnx.Run(bytes, data);
        var scored = model.Transform(data);
        Assert.Equal(6, onnx["Features.output"].Length / 300);
        AssertVectorsMatch(onnx, scored, "Features", "Denoised", "Score");
        Assert.Equal(scored.GetColumn<uint>("PredictedLabel").Select(l => (double)l), onnx["PredictedLabel.output"].Select(l => l + 1));
    }

    [Fact]
    public void An_autoencoder_alone_exports_through_the_pipeline_call_at_opset_13()
    {
        var ml = new MLContext(seed: 7);
        var data = Support.SyntheticData.Load(ml, 100);
        using var autoencoder = ml.Transforms.Autoencoder(Support.Small.Options(o => o.ReconstructionErrorColumnName = "Error")).Fit(data);

        var bytes = ml.Model.ConvertToOnnxBytesWithAutoencoders(autoencoder, data, new OnnxPipelineExportOptions { Validate = true });
        var proto = ExportedOnnx.Parse(bytes);
        Assert.Empty(OnnxModelChecker.Check(proto));
        Assert.Equal(13, proto.OpsetImport.Single(o => o.Domain == "").Version);
        Assert.Equal(["Features.output", "Latent.output", "Error.output"], proto.Graph.Output.Select(o => o.Name));
        AssertVectorsMatch(ExportedOnnx.Run(bytes, data), autoencoder.Transform(data), "Latent", "Error");
    }

    private sealed class Pixels
    {
        [VectorType(FashionMnist.FeatureCount)]
        public float[] Features { get; set; } = [];
    }

    [Fact]
    public void A_step_that_cannot_be_exported_fails_naming_it_and_writes_nothing()
    {
        var ml = new MLContext(seed: 4);
        var data = FashionMnist.LoadEmbedded(ml, maxRows: 200);
        var model = ml.Transforms.NormalizeMinMax("Features")
            .Append(ml.Transforms.CustomMapping<Pixels, Pixels>((input, output) => output.Features = input.Features.Select(v => 1 - v).ToArray(), null))
            .Append(ml.Transforms.Autoencoder(Fashion()))
            .Append(ml.Clustering.Trainers.KMeans("Latent", numberOfClusters: 3))
            .Fit(data);

        // What this guards against: ML.NET's own converter succeeds and keeps only k-means (the two steps before the
        // custom mapping and the mapping itself are gone, and our autoencoder with them).
        using (var plain = new MemoryStream())
        {
            ml.Model.ConvertToOnnx(model, data, plain);
            var dropped = ExportedOnnx.Parse(plain.ToArray());
            Assert.DoesNotContain(dropped.Graph.Node, n => n.OpType == "MatMul" || n.OpType == "Scaler");
        }

        using var stream = new MemoryStream();
        var error = Assert.Throws<NotSupportedException>(() => ml.Model.ConvertToOnnxWithAutoencoders(model, data, stream));
        Assert.Contains("step 2 of 4", error.Message);
        Assert.Contains("CustomMappingTransformer", error.Message);
        Assert.Contains("'Features'", error.Message);
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public void A_loaded_autoencoder_is_an_OnnxTransformer_and_fails_naming_it()
    {
        var ml = new MLContext(seed: 5);
        var data = FashionMnist.LoadEmbedded(ml, maxRows: 200);
        var model = ml.Transforms.Autoencoder(Fashion()).Append(ml.Clustering.Trainers.KMeans("Latent", numberOfClusters: 3)).Fit(data);
        using var zip = new MemoryStream();
        ml.Model.Save(model, data.Schema, zip);
        zip.Position = 0;
        var loaded = ml.Model.Load(zip, out _);

        var error = Assert.Throws<NotSupportedException>(() => ml.Model.ConvertToOnnxBytesWithAutoencoders(loaded, data));
        Assert.Contains("OnnxTransformer", error.Message);
        Assert.Contains("step 1 of", error.Message);
    }

    [Fact]
    public void Validation_reports_the_largest_difference_with_its_column()
    {
        var ml = new MLContext(seed: 6);
        var data = FashionMnist.LoadEmbedded(ml, maxRows: 100);
        var model = ml.Transforms.Autoencoder(Fashion()).Append(ml.Clustering.Trainers.KMeans("Latent", numberOfClusters: 3)).Fit(data);
        var proto = AutoencoderOnnxExportExtensions.ConvertToOnnxModelWithAutoencoders(ml.Model, model, data, new OnnxPipelineExportOptions());
        // Spoil the k-means centroids: Score must now disagree.
        var centroids = proto.Graph.Initializer.First(t => t.Name.EndsWith("/C", StringComparison.Ordinal));
        var spoiled = centroids.FloatData.Count > 0 ? centroids.FloatData.Select(v => v + 1f).ToArray() : Onnx.OnnxGraphBuilder.ReadFloats(centroids).Select(v => v + 1f).ToArray();
        centroids.FloatData.Clear();
        centroids.RawData = Google.Protobuf.ByteString.Empty;
        centroids.FloatData.AddRange(spoiled);
        var outputs = proto.Graph.Output.ToDictionary(o => o.Name, o => o.Name[..^".output".Length]);

        var error = Assert.Throws<InvalidOperationException>(() =>
            OnnxPipelineValidator.Validate(proto, model, data, outputs, new HashSet<string> { "PredictedLabel" }, 8, Tolerance));
        Assert.Contains("column 'Score'", error.Message);
        Assert.Contains("tolerance", error.Message);
    }
}
