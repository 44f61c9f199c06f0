namespace MLNet.Autoencoders.Tests.Support;

/// <summary>A fresh folder under the temp folder, deleted with everything in it.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"mlnet-ae-{Guid.NewGuid():N}"));

    public string Path { get; }

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
