using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Export;
using Xunit;

namespace MLNet.Autoencoders.Tests.Export;

public class VaeAndConvolutionExportTests
{
    private const double Tolerance = 1e-4;

    private static void AssertMatches(byte[] bytes, IDataView data, IDataView scored, params string[] columns)
    {
        Assert.Empty(OnnxModelChecker.Check(ExportedOnnx.Parse(bytes)));
        var onnx = ExportedOnnx.Run(bytes, data);
        foreach (var column in columns)
        {
            double difference = ExportedOnnx.MaxDifference(onnx[column + ".output"], ExportedOnnx.Flat(ColumnReader.ReadVectors(scored, column)));
            Assert.True(difference <= Tolerance, $"Column '{column}': largest difference {difference}.");
        }
        // The documented offset: ONNX's cluster index is 0-based, ML.NET's key 1-based.
        Assert.Equal(scored.GetColumn<uint>("PredictedLabel").Select(l => (double)l), onnx["PredictedLabel.output"].Select(l => l + 1));
    }

    [Fact]
    public void Vae_then_kmeans_exports_the_mean_path_and_matches_MLNet_on_every_row()
    {
        var ml = new MLContext(seed: 1);
        var data = FashionMnist.LoadEmbedded(ml, maxRows: 200);
        var model = ml.Transforms.Vae(new VaeOptions
        {
            InputColumnName = "Features", OutputColumnName = "Latent", LatentDimension = 6, HiddenLayerSizes = [32], Epochs = 2, BatchSize = 64, Seed = 1,
            LogVarianceColumnName = "LogVariance", ReconstructionColumnName = "Reconstruction", ScoreColumnName = "NegativeElbo",
        }).Append(ml.Clustering.Trainers.KMeans("Latent", numberOfClusters: 4)).Fit(data);

        using var stream = new MemoryStream();
        ml.Model.ConvertToOnnxWithAutoencoders(model, data, stream, validate: true);
        AssertMatches(stream.ToArray(), data, model.Transform(data), "Latent", "LogVariance", "Reconstruction", "NegativeElbo", "Score");
    }

    [Fact]
    public void Convolutional_autoencoder_then_kmeans_matches_MLNet_on_every_row()
    {
        var ml = new MLContext(seed: 1);
        var data = FashionMnist.LoadEmbedded(ml, maxRows: 200);
        var model = ml.Transforms.Autoencoder(new AutoencoderOptions
        {
            InputColumnName = "Features", OutputColumnName = "Latent", LatentDimension = 8, HiddenLayerSizes = [], Epochs = 2, BatchSize = 64, Seed = 1,
            ReconstructionColumnName = "Reconstruction", ReconstructionErrorColumnName = "Error", TiedWeights = true,
            Convolution = new ConvolutionOptions(new ImageShape(1, 28, 28)) { Channels = [4, 8] },
        }).Append(ml.Clustering.Trainers.KMeans("Latent", numberOfClusters: 4)).Fit(data);

        using var stream = new MemoryStream();
        ml.Model.ConvertToOnnxWithAutoencoders(model, data, stream, validate: true);
        var bytes = stream.ToArray();
        Assert.Contains(ExportedOnnx.Parse(bytes).Graph.Node, n => n.OpType == "ConvTranspose");
        AssertMatches(bytes, data, model.Transform(data), "Latent", "Reconstruction", "Error", "Score");
    }

    [Fact]
    public void Vae_alone_exports_its_score_and_a_single_row_form()
    {
        var ml = new MLContext(seed: 1);
        var data = FashionMnist.LoadEmbedded(ml, maxRows: 64);
        using var vae = ml.Transforms.Vae(new VaeOptions
        {
            InputColumnName = "Features", OutputColumnName = "Latent", LatentDimension = 4, HiddenLayerSizes = [16], Epochs = 1, Seed = 1,
            Convolution = new ConvolutionOptions(new ImageShape(1, 28, 28)) { Channels = [4] },
        }).Fit(data);
        using var stream = new MemoryStream();
        vae.ExportToOnnx(stream, new AutoencoderOnnxExportOptions { IncludeReconstructionError = true, Batched = false });
        var proto = ExportedOnnx.Parse(stream.ToArray());
        Assert.Empty(OnnxModelChecker.Check(proto));
        Assert.Equal(["Latent", "NegativeElbo"], proto.Graph.Output.Select(o => o.Name));
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(stream.ToArray());
        var row = FashionMnist.LoadEmbeddedArrays(1).Features;
        using var input = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(row, [784]);
        using var results = session.Run(new Microsoft.ML.OnnxRuntime.RunOptions(), ["Features"], [input], ["Latent", "NegativeElbo"]);
        Assert.Equal(vae.Encode(row), results[0].GetTensorDataAsSpan<float>().ToArray(), new Support.FloatComparer(1e-5f));
        Assert.Equal(vae.NegativeElbo(row), results[1].GetTensorDataAsSpan<float>()[0], 2);
    }
}
