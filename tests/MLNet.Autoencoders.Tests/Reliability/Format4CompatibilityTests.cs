using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Onnx;
using MLNet.Autoencoders.Tests.Support;
using Onnx;
using Xunit;

namespace MLNet.Autoencoders.Tests.Reliability;

/// <summary>
/// Format 4 fixtures, written once by the version that introduced the format and committed: a fully connected
/// autoencoder (<c>Fixtures/autoencoder-format4.zip</c>) and a VAE (<c>Fixtures/vae-format4.zip</c>), both saved with the
/// latent column only, so their decoders are parked outside the graph ONNX Runtime loads. Each comes with five input
/// rows and what the model gave for them; every later version must load them, score them the same and still
/// reconstruct (autoencoder) and generate (VAE) the same from the parked decoder.
/// </summary>
public class Format4CompatibilityTests
{
    private const float Tolerance = 1e-5f;
    private const string Autoencoder = "autoencoder-format4";
    private const string Vae = "vae-format4";

    public sealed class Expected
    {
        public required float[][] Rows { get; init; }
        public required float[][] Latents { get; init; }
        public float[][]? Reconstructions { get; init; }
        public float[][]? Generated { get; init; }
    }

    private static string FixturePath(string name, string extension) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name + extension);

    private static Expected ReadExpected(string name) => JsonSerializer.Deserialize<Expected>(File.ReadAllText(FixturePath(name, ".json")))!;

    /// <summary>How the fixtures were written: only when MLNET_AE_WRITE_FIXTURES=1 and the library writes format 4.</summary>
    [Fact]
    public void Write_the_fixtures_when_asked()
    {
        if (Environment.GetEnvironmentVariable("MLNET_AE_WRITE_FIXTURES") != "1" || AutoencoderOnnxFormat.FormatVersion != 4) return;
        var folder = Path.Combine(RepositoryPaths.Root(), "tests", "MLNet.Autoencoders.Tests", "Fixtures");
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 300);
        var probe = SyntheticData.Rows(5, seed: 13);

        using var autoencoder = ml.Transforms.Autoencoder(Small.Options(o => { o.HiddenLayerSizes = [8]; o.Seed = 1; })).Fit(data);
        Write(ml, autoencoder, data, probe, folder, Autoencoder, probe.Select(r => autoencoder.Reconstruct(r)).ToArray(), null);

        using var vae = ml.Transforms.Vae(new VaeOptions
        {
            InputColumnName = "Features", OutputColumnName = "Latent", LatentDimension = 3, HiddenLayerSizes = [8], Epochs = 5, Seed = 1,
        }).Fit(data);
        Write(ml, vae, data, probe, folder, Vae, null, vae.GenerateRows(3, seed: 1));
    }

    private static void Write(MLContext ml, ITransformer model, IDataView data, float[][] probe, string folder, string name,
        float[][]? reconstructions, float[][]? generated)
    {
        var expected = new Expected
        {
            Rows = probe,
            Latents = ColumnReader.ReadVectors(model.Transform(SyntheticData.Load(ml, probe)), "Latent"),
            Reconstructions = reconstructions,
            Generated = generated,
        };
        ml.Model.Save(model, data.Schema, Path.Combine(folder, name + ".zip"));
        File.WriteAllText(Path.Combine(folder, name + ".json"), JsonSerializer.Serialize(expected, new JsonSerializerOptions { WriteIndented = true }));
    }

    [Theory]
    [InlineData(Autoencoder)]
    [InlineData(Vae)]
    public void Fixture_scores_the_same_with_plain_MLNet(string name)
    {
        var expected = ReadExpected(name);
        var ml = new MLContext();
        var scored = ml.Model.Load(FixturePath(name, ".zip"), out _).Transform(SyntheticData.Load(ml, expected.Rows));
        Assert.True(SyntheticData.MaxAbsDifference(expected.Latents, ColumnReader.ReadVectors(scored, "Latent")) <= Tolerance);
    }

    [Theory]
    [InlineData(Autoencoder)]
    [InlineData(Vae)]
    public void Fixture_is_format_4_with_its_decoder_parked_outside_the_loaded_graph(string name)
    {
        using var zip = ZipFile.OpenRead(FixturePath(name, ".zip"));
        using var stream = zip.Entries.Single(e => e.Name == "OnnxModel").Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var bytes = copy.ToArray();
        var model = ModelProto.Parser.ParseFrom(bytes, 4, BinaryPrimitives.ReadInt32LittleEndian(bytes));
        Assert.Equal("4", model.MetadataProps.Single(p => p.Key == AutoencoderOnnxFormat.FormatVersionKey).Value);
        var used = model.Graph.Node.SelectMany(n => n.Input).ToHashSet();
        Assert.All(model.Graph.Initializer, t => Assert.Contains(t.Name, used));
        var parked = Assert.Single(model.TrainingInfo).Initialization;
        Assert.Equal(ParkedWeights.GraphName, parked.Name);
        Assert.Contains(parked.Initializer, t => t.Name.StartsWith("decoder.", StringComparison.Ordinal));
    }

    [Fact]
    public void Autoencoder_fixture_loads_typed_and_reconstructs_the_same_from_its_parked_decoder()
    {
        var expected = ReadExpected(Autoencoder);
        using var autoencoder = AutoencoderTransformer.Load(new MLContext(), FixturePath(Autoencoder, ".zip"));
        Assert.Equal(expected.Latents[0], autoencoder.Encode(expected.Rows[0]), new FloatComparer(Tolerance));
        Assert.True(SyntheticData.MaxAbsDifference(expected.Reconstructions!, expected.Rows.Select(r => autoencoder.Reconstruct(r)).ToArray()) <= Tolerance);
    }

    [Fact]
    public void VAE_fixture_loads_typed_and_generates_the_same_rows_from_its_parked_decoder()
    {
        var expected = ReadExpected(Vae);
        using var vae = VaeTransformer.Load(new MLContext(), FixturePath(Vae, ".zip"));
        Assert.Equal(expected.Latents[0], vae.Encode(expected.Rows[0]), new FloatComparer(Tolerance));
        Assert.True(SyntheticData.MaxAbsDifference(expected.Generated!, vae.GenerateRows(3, seed: 1)) <= Tolerance);
    }
}
