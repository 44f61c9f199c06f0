using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Evaluation;
using MLNet.Autoencoders.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace MLNet.Autoencoders.Tests.Reliability;

/// <summary>
/// Damaged model zips never score differently without an error through the typed loaders or after
/// <c>mlContext.Model.VerifyAutoencoderModel</c>: byte flips anywhere in the file, truncation, and one entry's content
/// damaged inside a zip rewritten with valid CRC-32s (the ONNX entry among them). Each copy that loads is scored and
/// compared with the intact model; plain <c>mlContext.Model.Load</c> is measured too, for the README.
/// </summary>
public class IntegrityTests(ITestOutputHelper output)
{
    private const int CopiesPerModel = 500;
    private const float Tolerance = 1e-6f;

    /// <summary>A saved model and what it scores on the probe rows, through ML.NET and through its typed transformer.</summary>
    private sealed class Original
    {
        public required string Name { get; init; }
        public required byte[] Zip { get; init; }
        public required List<ZipEntry> Entries { get; init; }
        public required float[][] Probe { get; init; }
        public required float[][] Normalized { get; init; }
        public required string[] Columns { get; init; }
        public required float[][][] Outputs { get; init; }
        public required float[][] TypedLatents { get; init; }
        /// <summary>Loads the typed transformer from a zip and encodes rows with it.</summary>
        public required Func<MLContext, Stream, float[][], float[][]> EncodeTyped { get; init; }
    }

    private static Original Save(bool vae)
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 200);
        var probe = SyntheticData.Rows(8, seed: 21);
        IEstimator<ITransformer> pipeline = ml.Transforms.NormalizeMinMax("Features");
        string[] columns;
        if (vae)
        {
            pipeline = pipeline.Append(ml.Transforms.Vae(new VaeOptions
            {
                InputColumnName = "Features", OutputColumnName = "Latent", LatentDimension = 3, HiddenLayerSizes = [8], Epochs = 2, ScoreColumnName = "Score",
            }));
            columns = ["Latent", "Score"];
        }
        else
        {
            pipeline = pipeline.Append(ml.Transforms.Autoencoder(Small.Options(o => o.Epochs = 2)))
                .Append(ml.Clustering.Trainers.KMeans("Latent", numberOfClusters: 3));
            columns = ["Latent", "Score", "PredictedLabel"];
        }
        var model = pipeline.Fit(data);
        using var stream = new MemoryStream();
        ml.Model.SaveWithManifest(model, data.Schema, stream);
        var zip = stream.ToArray();
        var chain = ((IEnumerable<ITransformer>)model).ToArray();
        var normalized = ColumnReader.ReadVectors(chain[0].Transform(SyntheticData.Load(ml, probe)), "Features");
        Func<MLContext, Stream, float[][], float[][]> encodeTyped = vae
            ? (context, s, rows) => { using var t = VaeTransformer.Load(context, s); return rows.Select(r => t.Encode(r)).ToArray(); }
            : (context, s, rows) => { using var t = AutoencoderTransformer.Load(context, s); return rows.Select(r => t.Encode(r)).ToArray(); };
        var typed = (IDisposable)chain[1];
        var encode = vae ? (Func<float[], float[]>)(r => ((VaeTransformer)typed).Encode(r)) : r => ((AutoencoderTransformer)typed).Encode(r);
        return new Original
        {
            Name = vae ? "VAE zip" : "pipeline zip",
            Zip = zip,
            Entries = ZipEntries.Read(zip),
            Probe = probe,
            Normalized = normalized,
            Columns = columns,
            Outputs = Score(ml, model, probe, columns),
            TypedLatents = normalized.Select(encode).ToArray(),
            EncodeTyped = encodeTyped,
        };
    }

    private static float[][][] Score(MLContext ml, ITransformer model, float[][] probe, string[] columns)
    {
        var scored = model.Transform(SyntheticData.Load(ml, probe));
        return columns.Select(c => c == "PredictedLabel"
            ? scored.GetColumn<uint>(c).Select(v => new[] { (float)v }).ToArray()
            : ColumnReader.ReadVectors(scored, c)).ToArray();
    }

    private static bool SameOutputs(float[][][] a, float[][][] b)
        => a.Length == b.Length && a.Zip(b).All(p => p.First.Length == p.Second.Length && SyntheticData.MaxAbsDifference(p.First, p.Second) <= Tolerance);

    /// <summary>Damaged copy number <paramref name="attempt"/> of the three kinds.</summary>
    private static (string Kind, byte[] Zip) Damage(Original original, int attempt)
    {
        var random = new Random(attempt);
        switch (attempt % 3)
        {
            case 0:
                return ("bytes flipped", ZipEntries.Flip(original.Zip, random));
            case 1:
                return ("truncated", original.Zip[..random.Next(original.Zip.Length)]);
            default:
            {
                // Every entry in turn, so the ONNX graph, the k-means model, the schema and the manifest are all hit.
                int target = attempt / 3 % original.Entries.Count;
                var name = Path.GetFileName(original.Entries[target].Name);
                return ($"rewritten, {name} damaged", ZipEntries.Write(original.Entries.Select((e, i) => i == target ? e with { Data = ZipEntries.Flip(e.Data, random) } : e)));
            }
        }
    }

    [Fact]
    public void A_thousand_damaged_copies_never_score_differently_through_the_typed_loaders_or_after_verification()
    {
        var originals = new[] { Save(vae: false), Save(vae: true) };
        var silent = new List<string>();
        var counts = new Dictionary<string, int>();
        int plainTried = 0, plainSilent = 0;
        var worker = new Thread(() =>
        {
            foreach (var original in originals)
                for (int attempt = 0; attempt < CopiesPerModel; attempt++)
                {
                    var (kind, zip) = Damage(original, attempt);
                    var ml = new MLContext();

                    // The typed loader.
                    try
                    {
                        var latents = original.EncodeTyped(ml, new MemoryStream(zip), original.Normalized);
                        Count(counts, "typed: loaded");
                        if (SyntheticData.MaxAbsDifference(original.TypedLatents, latents) > Tolerance)
                            silent.Add($"{original.Name} #{attempt} ({kind}): the typed loader scored differently");
                    }
                    catch (InvalidDataException)
                    {
                        Count(counts, "typed: refused");
                    }

                    // The verify call, then ML.NET's own loader.
                    bool verified;
                    try
                    {
                        ml.Model.VerifyAutoencoderModel(new MemoryStream(zip));
                        verified = true;
                        Count(counts, "verify: passed");
                    }
                    catch (InvalidDataException)
                    {
                        verified = false;
                        Count(counts, "verify: refused");
                    }
                    bool? same = verified || attempt % 5 == 0 ? LoadAndCompare(original, zip) : null;
                    if (verified && same == false)
                        silent.Add($"{original.Name} #{attempt} ({kind}): verified, then Model.Load scored differently");
                    if (attempt % 5 == 0)
                    {
                        plainTried++;
                        if (same == false) plainSilent++;
                    }
                }
        }, maxStackSize: 16 << 20);
        worker.Start();
        Assert.True(worker.Join(TimeSpan.FromMinutes(4)), "checking or loading a damaged zip hung");

        output.WriteLine(string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}")));
        output.WriteLine($"plain mlContext.Model.Load without verification: {plainSilent} of {plainTried} damaged copies loaded and scored differently with no error");
        Assert.True(silent.Count == 0, string.Join("\n", silent.Take(20)));
        Assert.True(counts.GetValueOrDefault("verify: refused") > CopiesPerModel, "the damage is too mild to test anything");
        Assert.True(counts.GetValueOrDefault("verify: passed") > 0, "some damage (a flipped timestamp) must still pass, or the damage is too blunt");
        Assert.True(plainSilent > 0, "plain Model.Load no longer scores damaged copies silently: update the README's figures");
    }

    /// <summary>Loads with ML.NET and scores the probe rows: true if the same as the intact model, false if different,
    /// null if ML.NET refused (a loud failure is fine).</summary>
    private static bool? LoadAndCompare(Original original, byte[] zip)
    {
        var ml = new MLContext();
        try
        {
            var model = ml.Model.Load(new MemoryStream(zip), out _);
            return SameOutputs(original.Outputs, Score(ml, model, original.Probe, original.Columns));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null;
        }
    }

    [Fact]
    public void Verification_names_the_damaged_entry_and_what_failed()
    {
        var original = Save(vae: false);
        var ml = new MLContext();
        var report = ml.Model.VerifyAutoencoderModel(new MemoryStream(original.Zip));
        Assert.True(report.HasManifest);
        Assert.True(report.FullyCovered);
        Assert.Equal(1, report.AutoencoderGraphs);
        Assert.Equal(1, report.AutoencoderGraphsWithDigest);
        Assert.Equal(original.Entries.Count, report.Entries);

        // A rewritten zip (valid CRC-32s) whose ONNX graph changed: the graph's own digest and the manifest both catch it.
        var onnx = original.Entries.FindIndex(e => e.Name.EndsWith("OnnxModel", StringComparison.Ordinal));
        var damaged = ZipEntries.Write(original.Entries.Select((e, i) => i == onnx ? e with { Data = FlipLastByte(e.Data) } : e));
        var error = Assert.Throws<InvalidDataException>(() => ml.Model.VerifyAutoencoderModel(new MemoryStream(damaged)));
        Assert.Contains(original.Entries[onnx].Name, error.Message);
        Assert.Throws<InvalidDataException>(() => AutoencoderTransformer.Load(ml, new MemoryStream(damaged)));

        // The same kind of damage in the file itself, inside the entry's compressed data: caught, and the entry is named.
        var bytes = (byte[])original.Zip.Clone();
        var (dataStart, compressedSize) = LocalEntryData(bytes, original.Entries[onnx].Name);
        bytes[dataStart + compressedSize / 2] ^= 0x40;
        error = Assert.Throws<InvalidDataException>(() => ml.Model.VerifyAutoencoderModel(new MemoryStream(bytes)));
        Assert.Contains(original.Entries[onnx].Name, error.Message);
        Assert.Throws<InvalidDataException>(() => AutoencoderTransformer.Load(ml, new MemoryStream(bytes)));
    }

    [Fact]
    public void Without_a_manifest_the_graphs_are_still_covered_and_the_report_says_what_is_not()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 200);
        var model = ml.Transforms.Autoencoder(Small.Options(o => o.Epochs = 1)).Append(ml.Clustering.Trainers.KMeans("Latent", numberOfClusters: 3)).Fit(data);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        var report = ml.Model.VerifyAutoencoderModel(new MemoryStream(stream.ToArray()));
        Assert.False(report.HasManifest);
        Assert.False(report.FullyCovered);
        Assert.Equal(1, report.AutoencoderGraphsWithDigest);
        Assert.Contains("CRC-32 only", report.ToString());

        // The graph's digest works without the manifest: a rewritten zip with a changed graph is refused.
        var entries = ZipEntries.Read(stream.ToArray());
        var damaged = ZipEntries.Write(entries.Select(e => e.Name.EndsWith("OnnxModel", StringComparison.Ordinal) ? e with { Data = FlipLastByte(e.Data) } : e));
        Assert.Throws<InvalidDataException>(() => ml.Model.VerifyAutoencoderModel(new MemoryStream(damaged)));
    }

    [Fact]
    public void Zips_of_earlier_formats_verify_without_digests()
    {
        var ml = new MLContext();
        foreach (var name in new[] { "autoencoder-format1", "autoencoder-format2", "vae-format3", "conv-autoencoder-format3" })
        {
            var report = ml.Model.VerifyAutoencoderModel(Path.Combine(AppContext.BaseDirectory, "Fixtures", name + ".zip"));
            Assert.Equal(1, report.AutoencoderGraphs);
            Assert.Equal(0, report.AutoencoderGraphsWithDigest);
        }
    }

    [Fact]
    public void SaveWithManifest_replaces_a_file_atomically_and_leaves_it_whole_when_saving_fails()
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 100);
        using var autoencoder = ml.Transforms.Autoencoder(Small.Options(o => o.Epochs = 1)).Fit(data);
        using var file = new TempFile();
        ml.Model.SaveWithManifest(autoencoder, data.Schema, file.Path);
        var before = File.ReadAllBytes(file.Path);
        Assert.True(ml.Model.VerifyAutoencoderModel(file.Path).HasManifest);

        // A pipeline ML.NET cannot save (a custom mapping without a contract name) fails half-way: the old model stays.
        var unsavable = ml.Transforms.CustomMapping<Row, Row>((i, o) => o.Features = i.Features, contractName: null).Fit(data);
        Assert.ThrowsAny<Exception>(() => ml.Model.SaveWithManifest(unsavable, data.Schema, file.Path));
        Assert.Equal(before, File.ReadAllBytes(file.Path));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(file.Path)!, $".{Path.GetFileName(file.Path)}.*.tmp"));
    }

    private sealed class Row
    {
        [VectorType(20)]
        public float[] Features { get; set; } = [];
    }

    private static byte[] FlipLastByte(byte[] data)
    {
        var copy = (byte[])data.Clone();
        copy[^1] ^= 0x01;
        return copy;
    }

    /// <summary>Where an entry's (compressed) data starts in the zip file, and its size, from its local file header.</summary>
    private static (int Start, int Size) LocalEntryData(byte[] zip, string name)
    {
        var span = zip.AsSpan();
        for (int i = 0; i + 30 <= zip.Length; i++)
        {
            if (System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(span[i..]) != 0x04034b50) continue;
            int nameLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(span[(i + 26)..]);
            int extraLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(span[(i + 28)..]);
            if (System.Text.Encoding.UTF8.GetString(zip, i + 30, nameLength) != name) continue;
            int size = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(span[(i + 18)..]);
            return (i + 30 + nameLength + extraLength, size);
        }
        throw new InvalidOperationException($"No local header for '{name}'.");
    }

    private static void Count(Dictionary<string, int> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;
}
