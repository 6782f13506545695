"""What the GPU host needs: the hub client, the model puller, the Triton model config."""
