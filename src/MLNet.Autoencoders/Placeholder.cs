namespace MLNet.Autoencoders; internal static class Placeholder {}
