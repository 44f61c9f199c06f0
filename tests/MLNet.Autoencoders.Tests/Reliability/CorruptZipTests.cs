using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using Google.Protobuf;
using Microsoft.ML;
using MLNet.Autoencoders.Onnx;
using MLNet.Autoencoders.Tests.Support;
using Onnx;
using Xunit;
using Xunit.Abstractions;

namespace MLNet.Autoencoders.Tests.Reliability;

/// <summary>
/// A thousand damaged copies of real model zips: <see cref="AutoencoderTransformer.Load(MLContext, Stream, string?)"/>
/// either loads them (only damage the integrity checks cannot see, e.g. a removed entry the autoencoder does not need, or a
/// flipped byte in a zip header field nothing reads, and then it scores the same: IntegrityTests) or throws an <see cref="InvalidDataException"/> that says
/// the zip is unreadable or holds no autoencoder — never another exception, a hang, or a huge allocation.
/// </summary>
public class CorruptZipTests(ITestOutputHelper output)
{
    private const int Attempts = 1000;
    private const long MaxAllocatedBytes = 50L << 20;
    private const string OnnxEntry = "OnnxModel";

    private sealed class Original
    {
        public required byte[] Zip { get; init; }
        public required List<ZipEntry> Entries { get; init; }
        public required byte[] Onnx { get; init; }
    }

    /// <summary>A model zip as users save it: a normalizer, then an autoencoder with every output column.</summary>
    private static Original Save(Kind kind)
    {
        var ml = new MLContext(seed: 1);
        var data = SyntheticData.Load(ml, 200);
        var model = ml.Transforms.NormalizeMinMax("Features")
            .Append(Kinds.Estimator(ml, kind, o => { o.Epochs = 2; o.ReconstructionColumnName = "Reconstruction"; o.ReconstructionErrorColumnName = "Error"; }))
            .Fit(data);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        var zip = stream.ToArray();
        var entries = ZipEntries.Read(zip);
        var onnx = entries.Single(e => Path.GetFileName(e.Name) == OnnxEntry).Data[4..];
        return new Original { Zip = zip, Entries = entries, Onnx = onnx };
    }

    private static bool IsOnnx(ZipEntry e) => Path.GetFileName(e.Name) == OnnxEntry;

    /// <summary>The zip with its ONNX entry's bytes (length prefix included) replaced.</summary>
    private static byte[] WithOnnxEntry(Original original, byte[] entryBytes) =>
        ZipEntries.Write(original.Entries.Select(e => IsOnnx(e) ? e with { Data = entryBytes } : e));

    /// <summary>ML.NET's layout: the Int32 length, little-endian, then the ONNX bytes.</summary>
    private static byte[] Prefixed(byte[] onnx, int? claimedLength = null)
    {
        var bytes = new byte[onnx.Length + 4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, claimedLength ?? onnx.Length);
        onnx.CopyTo(bytes, 4);
        return bytes;
    }

    /// <summary>Sets the ONNX entry's uncompressed size to <paramref name="size"/> in its local header and the central directory.</summary>
    private static byte[] ClaimEntrySize(byte[] zip, uint size)
    {
        var copy = (byte[])zip.Clone();
        var span = copy.AsSpan();
        int patched = 0;
        for (int i = 0; i + 46 <= copy.Length; i++)
        {
            uint signature = BinaryPrimitives.ReadUInt32LittleEndian(span[i..]);
            if (signature == 0x04034b50) // local file header
            {
                int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(span[(i + 26)..]);
                if (System.Text.Encoding.UTF8.GetString(copy, i + 30, nameLength).EndsWith(OnnxEntry, StringComparison.Ordinal))
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(span[(i + 22)..], size);
                    patched++;
                }
            }
            else if (signature == 0x02014b50) // central directory header
            {
                int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(span[(i + 28)..]);
                if (System.Text.Encoding.UTF8.GetString(copy, i + 46, nameLength).EndsWith(OnnxEntry, StringComparison.Ordinal))
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(span[(i + 24)..], size);
                    patched++;
                }
            }
        }
        Assert.Equal(2, patched);
        return copy;
    }

    /// <summary>Values a damaged or hand-edited description might hold, each valid JSON but out of range.</summary>
    private static readonly (string Pattern, string Replacement)[] ExtremeValues =
    [
        ("\"Seconds\":[^,}]+", "\"Seconds\":1e308"),
        ("\"Seconds\":[^,}]+", "\"Seconds\":\"NaN\""),
        ("\"Activation\":\"[A-Za-z]+\"", "\"Activation\":99"),
        ("\"OutputActivation\":\"[A-Za-z]+\"", "\"OutputActivation\":-3"),
        ("\"LayerSizes\":\\[[^\\]]*\\]", "\"LayerSizes\":[20,2147483647,3]"),
        ("\"LayerSizes\":\\[[^\\]]*\\]", "\"LayerSizes\":[20]"),
        ("\"LayerSizes\":\\[[^\\]]*\\]", "\"LayerSizes\":null"),
        ("\"LatentColumn\":\"[^\"]*\"", "\"LatentColumn\":\"Features\""),
        ("\"InputColumn\":\"[^\"]*\"", "\"InputColumn\":\"\""),
        ("\"History\":\\[", "\"History\":[null,"),
        ("\"BestEpoch\":[^,}]+", "\"BestEpoch\":-7"),
    ];

    /// <summary>The ONNX model with its description JSON edited: a few characters replaced by random printable ones,
    /// or one value set out of range.</summary>
    private static byte[] EditDescription(byte[] onnx, Random random)
    {
        var model = ModelProto.Parser.ParseFrom(onnx);
        var entry = model.MetadataProps.Single(p => p.Key == AutoencoderOnnxFormat.ModelInfoKey);
        if (random.Next(2) == 0)
        {
            var (pattern, replacement) = ExtremeValues[random.Next(ExtremeValues.Length)];
            var edited = System.Text.RegularExpressions.Regex.Replace(entry.Value, pattern, replacement);
            Assert.NotEqual(entry.Value, edited);
            entry.Value = edited;
        }
        else
        {
            var chars = entry.Value.ToCharArray();
            int edits = 1 + random.Next(3);
            for (int k = 0; k < edits; k++)
                chars[random.Next(chars.Length)] = "0123456789-.,:[]{}\"eE aZ"[random.Next(24)];
            entry.Value = new string(chars);
        }
        return model.ToByteArray();
    }

    /// <summary>The ONNX model with one initializer broken in a way that can never score.</summary>
    private static byte[] BreakInitializer(byte[] onnx, Random random)
    {
        var model = ModelProto.Parser.ParseFrom(onnx);
        var initializers = model.Graph.Initializer;
        var tensor = initializers[random.Next(initializers.Count)];
        switch (random.Next(7))
        {
            case 0: tensor.Dims[0] = -tensor.Dims[0]; break;
            case 1: tensor.Dims[0] = long.MaxValue / 2; tensor.Dims.Add(long.MaxValue / 2); break;
            case 2: tensor.RawData = ByteString.CopyFrom(tensor.RawData.Span[..(tensor.RawData.Length / 2)]); break;
            case 3: tensor.DataType = (int)TensorProto.Types.DataType.Double; break;
            case 4: initializers.Add(tensor.Clone()); break;
            case 5: initializers.Remove(tensor); break;
            default: model.Graph = null; break;
        }
        return model.ToByteArray();
    }

    /// <summary>Makes damaged copy number <paramref name="attempt"/>; says whether it may still load.</summary>
    private static (string Kind, byte[] Zip, bool MayLoad) Damage(Original original, int attempt)
    {
        var random = new Random(attempt);
        switch (attempt % 10)
        {
            case 0:
                return ("truncated", original.Zip[..random.Next(original.Zip.Length)], false);
            case 1:
                return ("zip bytes flipped", ZipEntries.Flip(original.Zip, random), true);
            case 2:
            {
                var kept = original.Entries.Where(_ => random.Next(3) > 0).ToList();
                if (kept.Count == original.Entries.Count) kept.RemoveAt(random.Next(kept.Count));
                return ("entries removed", ZipEntries.Write(kept), kept.Any(IsOnnx));
            }
            case 3:
            {
                var junk = new byte[random.Next(4096)];
                random.NextBytes(junk);
                return ("ONNX entry is garbage", WithOnnxEntry(original, random.Next(2) == 0 ? junk : Prefixed(junk)), false);
            }
            case 4:
            {
                int claim = new[] { int.MaxValue, int.MaxValue - 4, int.MinValue, 2_000_000_000, -1 }[random.Next(5)];
                return ("length prefix claims 2 GB", WithOnnxEntry(original, Prefixed(original.Onnx, claim)), false);
            }
            case 5:
                return ("ONNX truncated", WithOnnxEntry(original, Prefixed(original.Onnx[..random.Next(original.Onnx.Length)])), false);
            case 6:
                return ("ONNX bytes flipped", WithOnnxEntry(original, Prefixed(ZipEntries.Flip(original.Onnx, random))), true);
            case 7:
                return ("description edited", WithOnnxEntry(original, Prefixed(EditDescription(original.Onnx, random))), true);
            case 8:
                return ("entry header claims 2 GB", ClaimEntrySize(original.Zip, 0x7FFF_FFF0u - (uint)random.Next(1000)), false);
            default:
                return ("initializer broken", WithOnnxEntry(original, Prefixed(BreakInitializer(original.Onnx, random))), false);
        }
    }

    [Fact]
    public void A_thousand_damaged_zips_load_or_fail_with_InvalidDataException()
    {
        var originals = new[] { Save(Kind.Plain), Save(Kind.Denoising) };
        var ml = new MLContext();
        var loaded = new Dictionary<string, int>();
        var refused = new Dictionary<string, int>();
        var causes = new Dictionary<string, int>();
        var failures = new List<string>();
        long maxAllocated = 0;
        var slowest = TimeSpan.Zero;
        var watch = Stopwatch.StartNew();

        // On a thread of its own, so a hang fails the test instead of stalling the run.
        var worker = new Thread(() =>
        {
            for (int attempt = 0; attempt < Attempts; attempt++)
            {
                var (kind, zip, mayLoad) = Damage(originals[attempt / 10 % 2], attempt);
                long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
                var started = Stopwatch.GetTimestamp();
                string? failure = null;
                try
                {
                    using var model = AutoencoderTransformer.Load(ml, new MemoryStream(zip));
                    Count(loaded, kind);
                    if (!mayLoad) failure = "loaded, but it cannot hold a readable autoencoder";
                }
                catch (InvalidDataException e) when (e.Message.Contains("unreadable") || e.Message.Contains("holds no autoencoder"))
                {
                    Count(refused, kind);
                    Count(causes, e.InnerException?.GetType().Name ?? "(none)");
                }
                catch (Exception e)
                {
                    failure = $"{e.GetType().Name}: {e.Message} {e.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}";
                }
                var elapsed = Stopwatch.GetElapsedTime(started);
                long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
                if (allocated > MaxAllocatedBytes) failure = (failure is null ? "" : failure + "; ") + $"allocated {allocated >> 20} MB";
                maxAllocated = Math.Max(maxAllocated, allocated);
                if (elapsed > slowest) slowest = elapsed;
                if (failure is not null) failures.Add($"attempt {attempt} ({kind}): {failure}");
            }
        }, maxStackSize: 16 << 20);
        worker.Start();
        Assert.True(worker.Join(TimeSpan.FromMinutes(2)), "loading a damaged zip hung");

        output.WriteLine($"{Attempts} attempts in {watch.Elapsed.TotalSeconds:F1} s; slowest {slowest.TotalMilliseconds:F0} ms; most allocated {maxAllocated >> 10} KB");
        foreach (var kind in loaded.Keys.Union(refused.Keys).Order())
            output.WriteLine($"  {kind}: {loaded.GetValueOrDefault(kind)} loaded, {refused.GetValueOrDefault(kind)} refused");
        output.WriteLine("  underlying errors: " + string.Join(", ", causes.OrderByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value}")));
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n" + string.Join("\n", failures.Take(30)));
        // The run must exercise both outcomes, or the damage is too mild or too blunt to test anything.
        Assert.True(refused.Values.Sum() > Attempts / 2);
        Assert.True(loaded.Values.Sum() > 0);
    }

    /// <summary>
    /// The same damage through ML.NET's own loader (<c>mlContext.Model.Load</c>, then scoring a few rows): whatever ML.NET
    /// and ONNX Runtime make of it, the result is a managed exception or a working model, never a native crash or a hang.
    /// </summary>
    [Fact]
    public void Damaged_zips_through_MLNETs_own_loader_fail_with_managed_exceptions()
    {
        var originals = new[] { Save(Kind.Plain), Save(Kind.Denoising) };
        var rows = SyntheticData.Rows(5);
        var outcomes = new Dictionary<string, int>();
        var worker = new Thread(() =>
        {
            for (int attempt = 0; attempt < 200; attempt++)
            {
                // Kind 8 (an entry header claiming 2 GB) makes ML.NET's loader allocate what the header says; it is left out.
                if (attempt % 10 == 8) continue;
                var (kind, zip, _) = Damage(originals[attempt / 10 % 2], attempt);
                var ml = new MLContext();
                try
                {
                    var model = ml.Model.Load(new MemoryStream(zip), out _);
                    model.Transform(SyntheticData.Load(ml, rows)).Preview();
                    Count(outcomes, "loaded");
                }
                catch (Exception e)
                {
                    Count(outcomes, e.GetType().Name);
                }
            }
        }, maxStackSize: 16 << 20);
        worker.Start();
        Assert.True(worker.Join(TimeSpan.FromMinutes(2)), "ML.NET's loader hung on a damaged zip");
        output.WriteLine(string.Join(", ", outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}")));
        Assert.True(outcomes.Keys.Count(k => k != "loaded") > 0);
    }

    private static void Count(Dictionary<string, int> counts, string kind) => counts[kind] = counts.GetValueOrDefault(kind) + 1;
}
