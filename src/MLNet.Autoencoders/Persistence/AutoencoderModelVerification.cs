namespace MLNet.Autoencoders;

/// <summary>
/// What <see cref="AutoencoderModelOperations.VerifyAutoencoderModel(Microsoft.ML.ModelOperationsCatalog, string)"/>
/// checked in a model zip that passed. A zip that fails throws <see cref="InvalidDataException"/> instead.
/// </summary>
public sealed class AutoencoderModelVerification
{
    internal AutoencoderModelVerification(int entries, bool hasManifest, int graphs, int graphsWithDigest)
    {
        Entries = entries;
        HasManifest = hasManifest;
        AutoencoderGraphs = graphs;
        AutoencoderGraphsWithDigest = graphsWithDigest;
    }

    /// <summary>Entries whose CRC-32 matched the zip's record (every entry of the zip).</summary>
    public int Entries { get; }

    /// <summary>Whether the zip carries the manifest that <c>SaveWithManifest</c> writes; then every entry's SHA-256 matched it,
    /// which also catches an entry damaged before the zip was rewritten (a valid CRC-32 over damaged content).</summary>
    public bool HasManifest { get; }

    /// <summary>ONNX graphs written by this library (autoencoders, VAEs) found in the zip.</summary>
    public int AutoencoderGraphs { get; }

    /// <summary>Those of them whose own SHA-256 digest matched (format 4 on; older formats carry none).</summary>
    public int AutoencoderGraphsWithDigest { get; }

    /// <summary>Whether every entry's content is covered by a SHA-256 (the manifest, or the graphs' own digests when the
    /// zip holds nothing else that matters), not only by its CRC-32.</summary>
    public bool FullyCovered => HasManifest;

    /// <summary>One line for a log.</summary>
    public override string ToString() =>
        $"{Entries} entries passed their CRC-32; {AutoencoderGraphsWithDigest} of {AutoencoderGraphs} autoencoder graph(s) matched their SHA-256 digest; " +
        (HasManifest ? "every entry matched the manifest's SHA-256." : "no manifest (saved with mlContext.Model.Save): entries other than the autoencoder graphs are covered by CRC-32 only.");
}
