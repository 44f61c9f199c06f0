using System.Security.Cryptography;
using Google.Protobuf;
using MLNet.Autoencoders.Onnx;
using Onnx;

namespace MLNet.Autoencoders.Persistence;

/// <summary>
/// The SHA-256 digest a saved model carries of itself (format 4 on): metadata entry <see cref="Key"/> holds the hex
/// SHA-256 of the model serialized without that entry. It covers the graph, every weight (the parked ones too), the
/// options and the training description, so damage to the ONNX entry that still parses (a flipped bit in a weight, a
/// zip rewritten with a damaged entry and a valid CRC-32) is caught. Protobuf serialization of a parsed message is
/// canonical, so any change to what the model says changes the digest.
/// </summary>
internal static class OnnxDigest
{
    public const string Key = "mlnet_autoencoders.sha256";

    /// <summary>Adds (or replaces) the digest entry.</summary>
    public static void Stamp(ModelProto model)
    {
        Remove(model);
        string digest = Compute(model);
        model.MetadataProps.Add(new StringStringEntryProto { Key = Key, Value = digest });
    }

    /// <summary>Whether the model carries a digest at all.</summary>
    public static bool IsPresent(ModelProto model) => model.MetadataProps.Any(p => p.Key == Key);

    /// <summary>Throws <see cref="InvalidDataException"/> unless the model carries exactly one digest and it matches.</summary>
    public static void Verify(ModelProto model)
    {
        var entries = model.MetadataProps.Where(p => p.Key == Key).ToList();
        if (entries.Count != 1)
            throw new InvalidDataException($"The model carries {entries.Count} SHA-256 digests where format {AutoencoderOnnxFormat.FormatVersion} writes one: it is damaged.");
        var copy = model.Clone();
        Remove(copy);
        if (!string.Equals(Compute(copy), entries[0].Value, StringComparison.Ordinal))
            throw new InvalidDataException("The model's content does not match the SHA-256 digest saved with it: it is damaged.");
    }

    private static void Remove(ModelProto model)
    {
        foreach (var entry in model.MetadataProps.Where(p => p.Key == Key).ToList())
            model.MetadataProps.Remove(entry);
    }

    private static string Compute(ModelProto model) => Convert.ToHexStringLower(SHA256.HashData(model.ToByteArray()));
}
