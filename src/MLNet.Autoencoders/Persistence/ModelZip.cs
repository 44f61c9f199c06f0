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

    public static ModelProto FindAutoencoder(Stream zipStream, string? latentColumn)
    {
        var found = new List<(ModelProto Model, AutoencoderModelInfo Info)>();
        try
        {
            using var zip = new ZipArchive(zipStream, ZipArchiveMode.Read, leaveOpen: true);
            foreach (var entry in zip.Entries.Where(e => e.Name == OnnxEntryName).OrderBy(e => e.FullName, StringComparer.Ordinal))
            {
                var model = TryReadOnnxEntry(entry);
                if (model is null || model.ProducerName != AutoencoderOnnxFormat.ProducerName) continue;
                found.Add((model, MlpOnnxModel.ReadInfo(model)));
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidDataException($"The model zip is unreadable: {e.Message}", e);
        }
        if (found.Count == 0)
            throw new InvalidDataException("The model zip holds no autoencoder saved by MLNet.Autoencoders.");
        if (latentColumn is null) return found[0].Model;
        return found.FirstOrDefault(f => f.Info.LatentColumn == latentColumn).Model
            ?? throw new InvalidDataException(
                $"The model zip holds no autoencoder writing column '{latentColumn}'; it has: {string.Join(", ", found.Select(f => $"'{f.Info.LatentColumn}'"))}.");
    }

    private static ModelProto? TryReadOnnxEntry(ZipArchiveEntry entry)
    {
        // A corrupt entry could claim any size: check the declared length against the entry before allocating.
        if (entry.Length < 4 || entry.Length > int.MaxValue)
            throw new InvalidDataException($"Entry '{entry.FullName}' has an impossible size ({entry.Length} bytes).");
        var bytes = new byte[entry.Length];
        using (var stream = entry.Open())
            stream.ReadExactly(bytes);
        int length = BitConverter.ToInt32(bytes, 0);
        if (length != bytes.Length - 4)
            throw new InvalidDataException($"Entry '{entry.FullName}' declares {length} bytes of ONNX but holds {bytes.Length - 4}.");
        try
        {
            return ModelProto.Parser.ParseFrom(bytes, 4, length);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"Entry '{entry.FullName}' is not a valid ONNX model.", e);
        }
    }
}
