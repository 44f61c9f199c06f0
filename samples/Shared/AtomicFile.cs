namespace MLNet.Autoencoders.Samples;

/// <summary>Writes a file next to its target, then moves it into place: a crash mid-write never leaves half a file
/// (a model zip, a picture) where a good one stood.</summary>
internal static class AtomicFile
{
    /// <param name="path">The final file.</param>
    /// <param name="write">Writes the content to the temporary path it is given.</param>
    public static void Write(string path, Action<string> write)
    {
        // Keep the extension: some writers (ScottPlot) pick the format from it.
        string temporary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileNameWithoutExtension(path)}.{Guid.NewGuid():N}.tmp{Path.GetExtension(path)}");
        try
        {
            write(temporary);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
