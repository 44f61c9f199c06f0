using System.Collections.Concurrent;

namespace MLNet.Autoencoders.Transformers;

/// <summary>
/// The serving graphs handed to ML.NET's <c>OnnxTransformer</c> as files. Given a stream, ML.NET 5.0.1 writes the graph to a
/// temp file of its own that its <c>Dispose</c> does not delete, so every fitted model left one file in the temp folder.
/// Here the file is ours: deleted when its featurizer is disposed, and at process exit for featurizers never disposed.
/// </summary>
internal static class ServingModelFiles
{
    private static readonly ConcurrentDictionary<string, byte> Live = new();

    static ServingModelFiles() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var path in Live.Keys) Delete(path);
    };

    /// <summary>Writes <paramref name="model"/> to a new file in the temp folder and returns its path.</summary>
    public static string Write(byte[] model)
    {
        string path = Path.Combine(Path.GetTempPath(), $"mlnet-autoencoders-serving-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, model);
        Live[path] = 0;
        return path;
    }

    /// <summary>Deletes a file made by <see cref="Write"/>; a file still held open elsewhere (Windows) is left behind.</summary>
    public static void Delete(string path)
    {
        Live.TryRemove(path, out _);
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
