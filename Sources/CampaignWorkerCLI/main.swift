print("campaign-worker")
