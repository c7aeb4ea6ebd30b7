app_name = "verify"
urlpatterns = []
