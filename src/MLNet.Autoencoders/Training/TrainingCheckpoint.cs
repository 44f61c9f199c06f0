using System.IO.Compression;
using System.Text.Json;
using MLNet.Autoencoders.Persistence;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Training;

/// <summary>
/// Where training stands after an epoch, enough to continue it bit for bit: the network's parameters, the optimizer's
/// state (Adam's moments and step counts), the noise generator's state, early stopping's state, the history, and which
/// stage and epoch it is. The data order needs no state of its own: the trainer replays the seeded shuffles of the
/// epochs already done. Saved as a zip of <see cref="StateEntry"/> (JSON) and binary entries, with the manifest of
/// SHA-256 digests model zips use, written atomically.
/// </summary>
internal sealed class TrainingCheckpoint
{
    /// <summary>The checkpoint layout this library writes and reads.</summary>
    public const int FormatVersion = 1;

    private const string StateEntry = "checkpoint.json";
    private const string NetworkEntry = "network.bin";
    private const string OptimizerEntry = "optimizer.bin";
    private const string NoiseEntry = "noise.bin";
    private const string BestEntry = "best.bin";

    // The best loss is +∞ before the first validated epoch.
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>What the JSON entry holds.</summary>
    internal sealed record State(int FormatVersion, string Kind, string Fingerprint, int? PretrainingLayer, int Epoch,
        List<EpochRecord> History, int BestEpoch, double BestLoss, int EpochsWithoutImprovement, long VaeStep, double VaeBeta);

    public required State Info { get; init; }
    public required byte[] Network { get; init; }
    public required byte[] Optimizer { get; init; }
    public required byte[] Noise { get; init; }
    /// <summary>Early stopping's kept weights (validation on), or null.</summary>
    public byte[]? Best { get; init; }

    /// <summary>Captures the state after <paramref name="epoch"/> of a stage (a pretraining layer, or null for end-to-end training).</summary>
    public static TrainingCheckpoint Capture(string kind, string fingerprint, int? pretrainingLayer, int epoch, IEnumerable<EpochReport> history,
        nn.Module network, optim.Optimizer optimizer, Generator noise, BestEpochTracker? tracker, long vaeStep = 0, double vaeBeta = 0)
    {
        var (bestEpoch, bestLoss, waiting) = tracker?.Progress ?? (0, double.PositiveInfinity, 0);
        return new TrainingCheckpoint
        {
            Info = new State(FormatVersion, kind, fingerprint, pretrainingLayer, epoch, history.Select(EpochRecord.From).ToList(),
                bestEpoch, bestLoss, waiting, vaeStep, vaeBeta),
            Network = Bytes(w => network.save(w)),
            Optimizer = Bytes(w => ((OptimizerHelper)optimizer).save_state_dict(w)),
            Noise = noise.get_state().data<byte>().ToArray(),
            Best = tracker?.BestWeights is { } best ? Bytes(w => WriteTensors(w, best)) : null,
        };
    }

    /// <summary>Writes the checkpoint to <paramref name="path"/>, replacing any earlier one atomically.</summary>
    public void Save(string path)
    {
        var entries = new List<(string, byte[])>
        {
            (StateEntry, JsonSerializer.SerializeToUtf8Bytes(Info, Json)),
            (NetworkEntry, Network),
            (OptimizerEntry, Optimizer),
            (NoiseEntry, Noise),
        };
        if (Best is not null) entries.Add((BestEntry, Best));
        AtomicFile.Write(path, stream => ModelIntegrity.WriteWithManifest(entries, stream));
    }

    /// <summary>Reads a checkpoint and checks that it continues this training: the same kind and fingerprint (architecture,
    /// data size and training settings). A damaged, foreign or mismatched file gives an <see cref="InvalidDataException"/>.</summary>
    public static TrainingCheckpoint Load(string path, string kind, string fingerprint)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"The checkpoint to resume from, '{path}', does not exist.", path);
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var (_, hasManifest) = ModelIntegrity.CheckEntries(zip);
            if (!hasManifest || zip.GetEntry(StateEntry) is null)
                throw new InvalidDataException("it is not a training checkpoint of MLNet.Autoencoders");
            var info = JsonSerializer.Deserialize<State>(Read(zip, StateEntry), Json)
                ?? throw new InvalidDataException("its state entry is empty");
            if (info.FormatVersion > FormatVersion)
                throw new InvalidDataException($"it has checkpoint format {info.FormatVersion}; this version of the library reads up to {FormatVersion}. Update the library");
            if (info.Kind != kind)
                throw new InvalidDataException($"it was written while training a {info.Kind}, not a {kind}");
            if (info.Fingerprint != fingerprint)
                throw new InvalidDataException($"it was written by another training run.\n  checkpoint: {info.Fingerprint}\n  this run:   {fingerprint}\nResume only with the same architecture, data size and training settings (Epochs may grow)");
            return new TrainingCheckpoint
            {
                Info = info,
                Network = Read(zip, NetworkEntry),
                Optimizer = Read(zip, OptimizerEntry),
                Noise = Read(zip, NoiseEntry),
                Best = zip.GetEntry(BestEntry) is null ? null : Read(zip, BestEntry),
            };
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or IOException or NotSupportedException)
        {
            throw new InvalidDataException($"Cannot resume from '{path}': {e.Message}.", e);
        }
    }

    /// <summary>Puts the saved parameters, optimizer state and noise state back.</summary>
    public void Restore(nn.Module network, optim.Optimizer optimizer, Generator noise)
    {
        using (var reader = new BinaryReader(new MemoryStream(Network))) network.load(reader);
        using (var reader = new BinaryReader(new MemoryStream(Optimizer))) ((OptimizerHelper)optimizer).load_state_dict(reader);
        using var state = tensor(Noise);
        noise.set_state(state);
    }

    /// <summary>Puts the saved parameters back (a stage whose optimizer is gone).</summary>
    public void RestoreNetwork(nn.Module network)
    {
        using var reader = new BinaryReader(new MemoryStream(Network));
        network.load(reader);
    }

    /// <summary>The history so far, as reports.</summary>
    public IEnumerable<EpochReport> History => Info.History.Select(r => r.ToReport());

    /// <summary>Early stopping's kept weights, by parameter name.</summary>
    public Dictionary<string, Tensor>? BestWeights()
    {
        if (Best is null) return null;
        using var reader = new BinaryReader(new MemoryStream(Best));
        int count = reader.ReadInt32();
        var result = new Dictionary<string, Tensor>();
        for (int i = 0; i < count; i++)
        {
            string name = reader.ReadString();
            var shape = new long[reader.ReadInt32()];
            for (int d = 0; d < shape.Length; d++) shape[d] = reader.ReadInt64();
            var values = new float[reader.ReadInt32()];
            reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
            result[name] = tensor(values, shape).DetachFromDisposeScope();
        }
        return result;
    }

    private static void WriteTensors(BinaryWriter writer, Dictionary<string, Tensor> tensors)
    {
        writer.Write(tensors.Count);
        foreach (var (name, t) in tensors)
        {
            writer.Write(name);
            writer.Write(t.shape.Length);
            foreach (long d in t.shape) writer.Write(d);
            var values = t.data<float>().ToArray();
            writer.Write(values.Length);
            writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        }
    }

    private static byte[] Bytes(Action<BinaryWriter> write)
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, System.Text.Encoding.UTF8, leaveOpen: true)) write(writer);
        return memory.ToArray();
    }

    private static byte[] Read(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name) ?? throw new InvalidDataException($"it lacks its '{name}' entry");
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
