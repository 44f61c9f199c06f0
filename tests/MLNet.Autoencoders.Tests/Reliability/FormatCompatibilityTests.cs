using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Onnx;
using MLNet.Autoencoders.Tests.Support;
using Onnx;
using Xunit;

namespace MLNet.Autoencoders.Tests.Reliability;

/// <summary>
/// Model zips saved by each format version of the library, kept in the repository (<c>Fixtures/autoencoder-formatN.zip</c>,
/// with <c>autoencoder-formatN.json</c>: five input rows and what the model gave for them). Every later version must load
/// them and score them the same, with plain ML.NET and as a typed transformer.
/// </summary>
public class FormatCompatibilityTests
{
    public static TheoryData<int> Versions => new() { 1, 2 };

    private static string FixtureName(int version) => $"autoencoder-format{version}";
    private const float Tolerance = 1e-5f;

    private static string FixturePath(int version, string extension) => Path.Combine(AppContext.BaseDirectory, "Fixtures", FixtureName(version) + extension);

    public sealed class Expected
    {
        public required string InputColumn { get; init; }
        public required string LatentColumn { get; init; }
        public required string ErrorColumn { get; init; }
        public required float[][] Rows { get; init; }
        public required float[][] Latents { get; init; }
        public required float[] Errors { get; init; }
    }

    private static Expected ReadExpected(int version) =>
        JsonSerializer.Deserialize<Expected>(File.ReadAllText(FixturePath(version, ".json")))!;

    /// <summary>
    /// How the format-2 fixture was written. It runs only when MLNET_AE_WRITE_FIXTURES=1 and the library still writes
    /// format 2 (it no longer does): the files are written once, by the format version they are named after, and
    /// committed — never regenerated to make a test pass.
    /// </summary>
    [Fact]
    public void Write_the_fixture_when_asked()
    {
        const int writtenBy = 2;
        if (Environment.GetEnvironmentVariable("MLNET_AE_WRITE_FIXTURES") != "1" || AutoencoderOnnxFormat.FormatVersion != writtenBy) return;
        var ml = new MLContext(seed: 1);
        // Raw features on another scale, so the normalizer in front of the autoencoder has work to do.
        var rows = SyntheticData.Rows(300, seed: 11).Select(r => r.Select(v => v * 255).ToArray()).ToArray();
        var data = SyntheticData.Load(ml, rows);
        var pipeline = ml.Transforms.NormalizeMinMax("Features")
            .Append(ml.Transforms.Autoencoder(Small.Options(o => { o.HiddenLayerSizes = [8]; o.Epochs = 10; o.Seed = 1; o.ReconstructionErrorColumnName = "Error"; })));
        var model = pipeline.Fit(data);
        var probe = rows.Take(5).ToArray();
        var scored = model.Transform(SyntheticData.Load(ml, probe));
        var expected = new Expected
        {
            InputColumn = "Features",
            LatentColumn = "Latent",
            ErrorColumn = "Error",
            Rows = probe,
            Latents = ColumnReader.ReadVectors(scored, "Latent"),
            Errors = scored.GetColumn<float[]>("Error").Select(e => e[0]).ToArray(),
        };
        var folder = Path.Combine(RepositoryPaths.Root(), "tests", "MLNet.Autoencoders.Tests", "Fixtures");
        Directory.CreateDirectory(folder);
        ml.Model.Save(model, data.Schema, Path.Combine(folder, FixtureName(writtenBy) + ".zip"));
        File.WriteAllText(Path.Combine(folder, FixtureName(writtenBy) + ".json"), JsonSerializer.Serialize(expected, new JsonSerializerOptions { WriteIndented = true }));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Fixture_scores_the_same_with_plain_MLNet(int version)
    {
        var expected = ReadExpected(version);
        var ml = new MLContext();
        var model = ml.Model.Load(FixturePath(version, ".zip"), out var schema);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, expected.Rows[0].Length), schema[expected.InputColumn].Type);
        var scored = model.Transform(SyntheticData.Load(ml, expected.Rows));
        var latents = ColumnReader.ReadVectors(scored, expected.LatentColumn);
        Assert.True(SyntheticData.MaxAbsDifference(expected.Latents, latents) <= Tolerance);
        // From format 2 on, ML.NET's OnnxTransformer can serve the error column too.
        if (version >= 2)
            Assert.Equal(expected.Errors, scored.GetColumn<float[]>(expected.ErrorColumn).Select(e => e[0]).ToArray(), new FloatComparer(Tolerance));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Fixture_loads_as_a_typed_transformer_with_the_same_latents_and_errors(int version)
    {
        var expected = ReadExpected(version);
        var ml = new MLContext();
        using var typed = AutoencoderTransformer.Load(ml, FixturePath(version, ".zip"));
        Assert.Equal(expected.InputColumn, typed.InputColumnName);
        Assert.Equal(expected.LatentColumn, typed.OutputColumnName);
        Assert.Equal(expected.ErrorColumn, typed.ReconstructionErrorColumnName);
        Assert.Equal([20, 8, 3], typed.LayerSizes);
        Assert.Equal(10, typed.TrainingHistory.Count);
        Assert.Equal(10, typed.BestEpoch);

        // The autoencoder reads normalized rows: take the normalizer from the same zip.
        var chain = (IEnumerable<ITransformer>)ml.Model.Load(FixturePath(version, ".zip"), out _);
        var normalized = chain.First().Transform(SyntheticData.Load(ml, expected.Rows));
        var scored = typed.Transform(normalized);
        Assert.True(SyntheticData.MaxAbsDifference(expected.Latents, ColumnReader.ReadVectors(scored, expected.LatentColumn)) <= Tolerance);
        Assert.Equal(expected.Errors, scored.GetColumn<float[]>(expected.ErrorColumn).Select(e => e[0]).ToArray(), new FloatComparer(Tolerance));
        var normalizedRows = ColumnReader.ReadVectors(normalized, expected.InputColumn);
        Assert.Equal(expected.Latents[0], typed.Encode(normalizedRows[0]), new FloatComparer(Tolerance));
    }

    private static ZipArchiveEntry OnnxEntry(ZipArchive zip) => zip.Entries.Single(e => e.Name == "OnnxModel");

    private static ModelProto ReadOnnx(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var bytes = copy.ToArray();
        Assert.Equal(bytes.Length - 4, BinaryPrimitives.ReadInt32LittleEndian(bytes));
        return ModelProto.Parser.ParseFrom(bytes, 4, bytes.Length - 4);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Fixture_says_its_format_version_in_its_ONNX_metadata(int version)
    {
        using var zip = ZipFile.OpenRead(FixturePath(version, ".zip"));
        var model = ReadOnnx(OnnxEntry(zip));
        Assert.Equal("MLNet.Autoencoders", model.ProducerName);
        var metadata = model.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(version.ToString(), metadata["mlnet_autoencoders.format_version"]);
        Assert.Contains("mlnet_autoencoders.model_info", metadata.Keys);
        // What this version of the library writes must be readable by it: never newer than what it reads.
        Assert.True(AutoencoderOnnxFormat.FormatVersion >= version);
    }

    [Fact]
    public void A_newer_format_version_is_refused_with_advice_to_update_the_library()
    {
        using var file = new TempFile();
        File.Copy(FixturePath(1, ".zip"), file.Path);
        using (var zip = ZipFile.Open(file.Path, ZipArchiveMode.Update))
        {
            var entry = OnnxEntry(zip);
            var model = ReadOnnx(entry);
            model.MetadataProps.Single(p => p.Key == "mlnet_autoencoders.format_version").Value = "99";
            var onnx = model.ToByteArray();
            string name = entry.FullName;
            entry.Delete();
            using var stream = zip.CreateEntry(name).Open();
            Span<byte> prefix = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(prefix, onnx.Length);
            stream.Write(prefix);
            stream.Write(onnx);
        }
        var e = Assert.Throws<InvalidDataException>(() => AutoencoderTransformer.Load(new MLContext(), file.Path));
        Assert.Contains("format version 99", e.Message);
        Assert.Contains($"reads up to {AutoencoderOnnxFormat.FormatVersion}", e.Message);
        Assert.Contains("Update the library", e.Message);
    }
}
