using Microsoft.ML;
using MLNet.Autoencoders.Persistence;

namespace MLNet.Autoencoders;

/// <summary>
/// Saving model zips that can be checked, and checking them, on <c>mlContext.Model</c>. ML.NET's own
/// <c>mlContext.Model.Load</c> checks neither a zip entry's CRC-32 nor any digest, so a damaged zip can load and score
/// different numbers with no error; call <see cref="VerifyAutoencoderModel(ModelOperationsCatalog, string)"/> before it
/// (the typed loaders, <see cref="AutoencoderTransformer.Load(MLContext, string, string?)"/> and
/// <see cref="VaeTransformer.Load(MLContext, string, string?)"/>, run the same checks themselves).
/// </summary>
public static class AutoencoderModelOperations
{
    /// <summary>
    /// Saves like <c>mlContext.Model.Save</c>, adds a manifest entry with the SHA-256 of every entry (the pipeline's
    /// transformers, ONNX graphs, schema) and the library and format version, and replaces <paramref name="filePath"/>
    /// atomically: the zip is written to a temporary file beside it and renamed, so a failure or a kill while saving
    /// leaves an existing model whole.
    /// </summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="model">The fitted pipeline.</param>
    /// <param name="inputSchema">The schema of its input, as for <c>mlContext.Model.Save</c>.</param>
    /// <param name="filePath">The zip to write.</param>
    /// <example><code>
    /// mlContext.Model.SaveWithManifest(model, data.Schema, "model.zip");
    /// mlContext.Model.VerifyAutoencoderModel("model.zip");      // throws InvalidDataException if damaged
    /// var loaded = mlContext.Model.Load("model.zip", out _);
    /// </code></example>
    public static void SaveWithManifest(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, string filePath)
    {
        ArgumentNullException.ThrowIfNull(filePath);
        AtomicFile.Write(filePath, stream => catalog.SaveWithManifest(model, inputSchema, stream));
    }

    /// <summary>Saves like <c>mlContext.Model.Save</c> to <paramref name="stream"/>, with the manifest entry added.</summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="model">The fitted pipeline.</param>
    /// <param name="inputSchema">The schema of its input, as for <c>mlContext.Model.Save</c>.</param>
    /// <param name="stream">Where the zip goes.</param>
    public static void SaveWithManifest(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(stream);
        using var saved = new MemoryStream();
        catalog.Save(model, inputSchema, saved);
        ModelIntegrity.WriteWithManifest(saved.ToArray(), stream);
    }

    /// <summary>
    /// Checks a model zip before loading it: every entry's CRC-32 (catches flipped bytes and truncation anywhere in the
    /// file), the SHA-256 digest every autoencoder and VAE graph of this library carries of itself (catches damage to those
    /// graphs that still parses, even in a rewritten zip with valid CRC-32s), and, for zips saved with
    /// <see cref="SaveWithManifest(ModelOperationsCatalog, ITransformer, DataViewSchema, string)"/>, every entry's SHA-256
    /// against the manifest (catches rewritten damage in any entry, e.g. k-means centroids).
    /// </summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="filePath">The zip to check.</param>
    /// <returns>What was checked.</returns>
    /// <exception cref="InvalidDataException">The zip is damaged; the message names the entry and what failed.</exception>
    public static AutoencoderModelVerification VerifyAutoencoderModel(this ModelOperationsCatalog catalog, string filePath)
    {
        ArgumentNullException.ThrowIfNull(filePath);
        using var stream = File.OpenRead(filePath);
        return catalog.VerifyAutoencoderModel(stream);
    }

    /// <summary>Checks a model zip read from <paramref name="stream"/>, as
    /// <see cref="VerifyAutoencoderModel(ModelOperationsCatalog, string)"/> does a file.</summary>
    /// <param name="catalog">The model operations catalog (<c>mlContext.Model</c>).</param>
    /// <param name="stream">The zip (read from its current position).</param>
    /// <returns>What was checked.</returns>
    /// <exception cref="InvalidDataException">The zip is damaged; the message names the entry and what failed.</exception>
    public static AutoencoderModelVerification VerifyAutoencoderModel(this ModelOperationsCatalog catalog, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(stream);
        return ModelZip.Verify(stream);
    }
}
