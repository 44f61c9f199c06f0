namespace MLNet.Autoencoders.Training;

/// <summary>Checkpointing for one Fit: what is training (<paramref name="Kind"/>) and with what (<paramref name="Fingerprint"/>:
/// architecture, data size and settings, which a checkpoint must match to be resumed), where to write checkpoints and
/// how often, and which checkpoint to resume from.</summary>
internal sealed record CheckpointSettings(string Kind, string Fingerprint, string? Path, int Interval, string? ResumeFrom)
{
    /// <summary>Whether a checkpoint is due after <paramref name="epoch"/> of a stage.</summary>
    public bool DueAfter(int epoch) => Path is not null && epoch % Interval == 0;

    /// <summary>The checkpoint to resume from, checked against this run, or null.</summary>
    public TrainingCheckpoint? LoadResume() => ResumeFrom is null ? null : TrainingCheckpoint.Load(ResumeFrom, Kind, Fingerprint);
}
