namespace MLNet.Autoencoders.Tests.Support;

public sealed class TempFile : IDisposable
{
    public TempFile(string extension = ".zip") => Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"mlnet-ae-{Guid.NewGuid():N}{extension}");

    public string Path { get; }

    public void Dispose()
    {
        if (File.Exists(Path)) File.Delete(Path);
    }
}
