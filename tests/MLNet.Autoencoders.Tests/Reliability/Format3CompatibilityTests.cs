using System.Text.Json;
using Microsoft.ML;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Tests.Support;
using Xunit;

namespace MLNet.Autoencoders.Tests.Reliability;

/// <summary>
/// Format 3 fixtures, written once by the version that introduced the format and committed: a convolutional VAE
/// (<c>Fixtures/vae-format3.zip</c>) and a tied convolutional autoencoder (<c>Fixtures/conv-autoencoder-format3.zip</c>),
/// each with five input rows and what the model gave for them. Every later version must load and score them the same.
/// </summary>
public class Format3CompatibilityTests
{
    private const float Tolerance = 1e-5f;

    public sealed class Expected
    {
        public required float[][] Rows { get; init; }
        public required float[][] Latents { get; init; }
        public required float[] Scores { get; init; }
        public float[][]? Generated { get; init; }
    }

    private static string FixturePath(string name, string extension) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name + extension);

    private static Expected ReadExpected(string name) => JsonSerializer.Deserialize<Expected>(File.ReadAllText(FixturePath(name, ".json")))!;

    private static ConvolutionOptions Convolution => new(new ImageShape(1, 4, 5)) { Channels = [3] };

    /// <summary>How the fixtures were written: only when MLNET_AE_WRITE_FIXTURES=1 and the library still writes format 3
    /// (it no longer does).</summary>
    [Fact]
    public void Write_the_fixtures_when_asked()
    {
        if (Environment.GetEnvironmentVariable("MLNET_AE_WRITE_FIXTURES") != "1" || Onnx.AutoencoderOnnxFormat.FormatVersion != 3) return;
        var folder = Path.Combine(RepositoryPaths.Root(), "tests", "MLNet.Autoencoders.Tests", "Fixtures");
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 300);
        var probe = SyntheticData.Rows(5, seed: 12);

        using var vae = ml.Transforms.Vae(new VaeOptions
        {
            InputColumnName = "Features", OutputColumnName = "Latent", LatentDimension = 3, HiddenLayerSizes = [8], Epochs = 5, Seed = 1,
            ScoreColumnName = "Score", Convolution = Convolution,
        }).Fit(data);
        Write(ml, vae, data, probe, folder, "vae-format3", vae.GenerateRows(3, seed: 1));

        using var conv = ml.Transforms.Autoencoder(new AutoencoderOptions
        {
            InputColumnName = "Features", OutputColumnName = "Latent", LatentDimension = 3, HiddenLayerSizes = [8], Epochs = 5, Seed = 1,
            ReconstructionErrorColumnName = "Score", TiedWeights = true, Convolution = Convolution,
        }).Fit(data);
        Write(ml, conv, data, probe, folder, "conv-autoencoder-format3", null);
    }

    private static void Write(MLContext ml, ITransformer model, IDataView data, float[][] probe, string folder, string name, float[][]? generated)
    {
        var scored = model.Transform(SyntheticData.Load(ml, probe));
        var expected = new Expected
        {
            Rows = probe,
            Latents = ColumnReader.ReadVectors(scored, "Latent"),
            Scores = ColumnReader.ReadVectors(scored, "Score").Select(s => s[0]).ToArray(),
            Generated = generated,
        };
        ml.Model.Save(model, data.Schema, Path.Combine(folder, name + ".zip"));
        File.WriteAllText(Path.Combine(folder, name + ".json"), JsonSerializer.Serialize(expected, new JsonSerializerOptions { WriteIndented = true }));
    }

    [Theory]
    [InlineData("vae-format3")]
    [InlineData("conv-autoencoder-format3")]
    public void Fixture_scores_the_same_with_plain_MLNet(string name)
    {
        var expected = ReadExpected(name);
        var ml = new MLContext();
        var scored = ml.Model.Load(FixturePath(name, ".zip"), out _).Transform(SyntheticData.Load(ml, expected.Rows));
        Assert.True(SyntheticData.MaxAbsDifference(expected.Latents, ColumnReader.ReadVectors(scored, "Latent")) <= Tolerance);
        Assert.Equal(expected.Scores, ColumnReader.ReadVectors(scored, "Score").Select(s => s[0]), new FloatComparer(1e-3f));
    }

    [Fact]
    public void VAE_fixture_loads_typed_and_generates_the_same_rows()
    {
        var expected = ReadExpected("vae-format3");
        using var vae = VaeTransformer.Load(new MLContext(), FixturePath("vae-format3", ".zip"));
        Assert.Equal(1, vae.Convolution!.Image.Channels);
        Assert.Equal(5, vae.TrainingHistory.Count);
        var generatedRows = vae.GenerateRows(3, seed: 1);
        double generatedDifference = SyntheticData.MaxAbsDifference(expected.Generated!, generatedRows);
        var where = Enumerable.Range(0, 3).SelectMany(r => Enumerable.Range(0, generatedRows[r].Length).Where(j => Math.Abs(generatedRows[r][j] - expected.Generated![r][j]) > 1e-5).Select(j => $"{r}:{j}"));
        Assert.True(generatedDifference <= Tolerance, $"generated rows differ by {generatedDifference} at {string.Join(",", where)} of {generatedRows[0].Length}; shape {vae.Convolution!.Image}");
        Assert.Equal(expected.Latents[0], vae.Encode(expected.Rows[0]), new FloatComparer(Tolerance));
    }

    [Fact]
    public void Convolutional_fixture_loads_typed_with_the_same_latents()
    {
        var expected = ReadExpected("conv-autoencoder-format3");
        using var conv = AutoencoderTransformer.Load(new MLContext(), FixturePath("conv-autoencoder-format3", ".zip"));
        Assert.True(conv.TiedWeights);
        Assert.Equal([3], conv.Convolution!.Channels);
        Assert.Equal(expected.Latents[0], conv.Encode(expected.Rows[0]), new FloatComparer(Tolerance));
        Assert.Equal(expected.Scores[0], conv.ReconstructionError(expected.Rows[0]), 5);
    }
}
