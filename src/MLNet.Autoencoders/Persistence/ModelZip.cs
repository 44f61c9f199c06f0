using System.Buffers.Binary;
using System.IO.Compression;
using Google.Protobuf;
using MLNet.Autoencoders.Onnx;
using Onnx;

namespace MLNet.Autoencoders.Persistence;

/// <summary>
/// Finds the autoencoder graphs inside a model zip written by <c>mlContext.Model.Save</c>. ML.NET's OnnxTransformer stores
/// its model in an entry named "…/OnnxModel" as a length-prefixed byte array (Int32 length, then the ONNX bytes).
/// </summary>
internal static class ModelZip
{
    private const string OnnxEntryName = "OnnxModel";

    /// <summary>The most the reader allocates up front for an ONNX entry; larger models grow the buffer as they are read.</summary>
    private const int InitialBufferBytes = 1 << 20;

    /// <summary>The first autoencoder of the wanted family (VAE or not) in the zip, or the one writing <paramref name="latentColumn"/>.</summary>
    public static ModelProto FindAutoencoder(Stream zipStream, string? latentColumn, bool vae = false)
    {
        string what = vae ? "variational autoencoder" : "autoencoder";
        var found = new List<(ModelProto Model, AutoencoderModelInfo Info)>();
        try
        {
            using var zip = new ZipArchive(zipStream, ZipArchiveMode.Read, leaveOpen: true);
            ModelIntegrity.CheckEntries(zip);
            foreach (var entry in zip.Entries.Where(e => e.Name == OnnxEntryName).OrderBy(e => e.FullName, StringComparer.Ordinal))
            {
                var model = TryReadOnnxEntry(entry);
                if (model is null || model.ProducerName != AutoencoderOnnxFormat.ProducerName) continue;
                var info = ReadInfo(entry, model);
                if (info.IsVae == vae) found.Add((model, info));
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidDataException($"The model zip is unreadable: {e.Message}", e);
        }
        if (found.Count == 0)
            throw new InvalidDataException($"The model zip holds no {what} saved by MLNet.Autoencoders.");
        if (latentColumn is null) return found[0].Model;
        return found.FirstOrDefault(f => f.Info.LatentColumn == latentColumn).Model
            ?? throw new InvalidDataException(
                $"The model zip holds no {what} writing column '{latentColumn}'; it has: {string.Join(", ", found.Select(f => $"'{f.Info.LatentColumn}'"))}.");
    }

    /// <summary>Finds the model (see <see cref="FindAutoencoder"/>) and builds the typed transformer from it; damage that
    /// only shows while reading the description or the weights becomes an <see cref="InvalidDataException"/> too.</summary>
    public static T Load<T>(Stream zipStream, string? latentColumn, bool vae, Func<ModelProto, T> create)
    {
        var model = FindAutoencoder(zipStream, latentColumn, vae);
        try
        {
            return create(model);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or FormatException or OverflowException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            throw new InvalidDataException($"The model zip is unreadable: its {(vae ? "VAE" : "autoencoder")} is damaged. {e.Message}", e);
        }
    }

    /// <summary>Every integrity check a zip allows (see <see cref="ModelIntegrity"/>), without building a transformer.</summary>
    public static AutoencoderModelVerification Verify(Stream zipStream)
    {
        try
        {
            using var zip = new ZipArchive(zipStream, ZipArchiveMode.Read, leaveOpen: true);
            var (entries, hasManifest) = ModelIntegrity.CheckEntries(zip);
            int graphs = 0, withDigest = 0;
            foreach (var entry in zip.Entries.Where(e => e.Name == OnnxEntryName))
            {
                // Any ONNX entry must parse (ML.NET would fail on it later); ours must also match their digest.
                var model = TryReadOnnxEntry(entry);
                if (model is null) continue;
                if (model.ProducerName == AutoencoderOnnxFormat.ProducerName) ReadInfo(entry, model);
                else if (ClassifierOnnxModel.IsClassifier(model)) Named(entry, () => ClassifierOnnxModel.ReadInfo(model));
                else continue;
                graphs++;
                if (OnnxDigest.IsPresent(model)) withDigest++;
            }
            return new AutoencoderModelVerification(entries, hasManifest, graphs, withDigest);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidDataException($"The model zip is damaged: {e.Message}", e);
        }
    }

    /// <summary>Every ONNX model in the zip that <paramref name="wanted"/> accepts, in entry order (the classifier's lookup),
    /// after the zip's integrity checks.</summary>
    public static List<ModelProto> FindOnnxModels(Stream zipStream, Func<ModelProto, bool> wanted)
    {
        try
        {
            using var zip = new ZipArchive(zipStream, ZipArchiveMode.Read, leaveOpen: true);
            ModelIntegrity.CheckEntries(zip);
            return zip.Entries.Where(e => e.Name == OnnxEntryName).OrderBy(e => e.FullName, StringComparer.Ordinal)
                .Select(TryReadOnnxEntry).OfType<ModelProto>().Where(wanted).ToList();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidDataException($"The model zip is unreadable: {e.Message}", e);
        }
    }

    /// <summary>The description of an autoencoder graph (its digest checked), with the entry named in any error.</summary>
    private static AutoencoderModelInfo ReadInfo(ZipArchiveEntry entry, ModelProto model) => Named(entry, () => MlpOnnxModel.ReadInfo(model));

    private static T Named<T>(ZipArchiveEntry entry, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"Entry '{entry.FullName}': {e.Message}", e);
        }
    }

    private static ModelProto? TryReadOnnxEntry(ZipArchiveEntry entry)
    {
        // A corrupt header can claim any size, so nothing is allocated from it: the length prefix must agree with the
        // declared size, and the bytes go into a buffer that grows only as the entry really delivers them.
        if (entry.Length < 4 || entry.Length - 4 > int.MaxValue)
            throw new InvalidDataException($"Entry '{entry.FullName}' has an impossible size ({entry.Length} bytes).");
        using var stream = entry.Open();
        Span<byte> prefix = stackalloc byte[4];
        stream.ReadExactly(prefix);
        int length = BinaryPrimitives.ReadInt32LittleEndian(prefix);
        if (length != entry.Length - 4)
            throw new InvalidDataException($"Entry '{entry.FullName}' declares {length} bytes of ONNX but holds {entry.Length - 4}.");
        using var onnx = new MemoryStream(Math.Min(length, InitialBufferBytes));
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (onnx.Length + read > length)
                throw new InvalidDataException($"Entry '{entry.FullName}' holds more than the {length} bytes of ONNX it declares.");
            onnx.Write(chunk, 0, read);
        }
        if (onnx.Length != length)
            throw new InvalidDataException($"Entry '{entry.FullName}' declares {length} bytes of ONNX but holds {onnx.Length}.");
        try
        {
            return ModelProto.Parser.ParseFrom(onnx.GetBuffer(), 0, length);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"Entry '{entry.FullName}' is not a valid ONNX model.", e);
        }
    }
}
