namespace MLNet.Autoencoders.Export;

/// <summary>One output an <see cref="IOnnxExportable"/> graph can compute.</summary>
/// <param name="Key">Stable identifier of the output ("latent", "reconstruction", "reconstruction_error").</param>
/// <param name="ColumnName">The column <c>Transform</c> writes it to, or null when the fitted featurizer does not output it.</param>
/// <param name="DefaultName">The tensor name a featurizer-only export uses when <paramref name="ColumnName"/> is null.</param>
/// <param name="Width">Number of values per row.</param>
internal sealed record OnnxExportOutput(string Key, string? ColumnName, string DefaultName, int Width);
